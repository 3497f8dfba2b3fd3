import Foundation
import NeymanCore
import Testing
@testable import NeymanHEP

/// Charged-hadron subtraction (``MuonSample/removingChargedPileup()``): exactly the charged pileup deposits go, the
/// images lose exactly their energy, and samples that cannot be subtracted are refused.
@Suite("Charged-hadron subtraction")
struct ChargedPileupTests {
    @Test func removesExactlyTheChargedPileup() throws {
        let sample = try MuonGenerator.generate(MuonGeneratorTests.settings(300), threads: 1)
        let chs = try sample.removingChargedPileup()
        var removed = 0, kept = 0
        for k in 0..<sample.count {
            let before = sample.deposits[k], after = chs.deposits[k]
            #expect(after == before.filter { $0.category != .pileup })
            removed += before.count - after.count
            kept += after.count
            // The image loses, cell by cell, the image of the charged pileup alone (images add up deposit by deposit).
            let pileupImage = CalorimeterImage.make(deposits: before.filter { $0.category == .pileup },
                                                    muonEta: sample.muons[k].eta, muonPhi: sample.muons[k].phi)
            for (c, (a, b)) in zip(sample.image(k), chs.image(k)).enumerated() {
                #expect(abs((a - b) - pileupImage[c]) < 1e-9 * max(1, a), "muon \(k), cell \(c)")
            }
        }
        #expect(removed > 0 && kept > 0, "removed \(removed), kept \(kept)")
        #expect(chs.muons == sample.muons && chs.labels == sample.labels)
    }

    @Test func refusesWhatCannotBeSubtracted() throws {
        let m = MuonSample.Muon(pt: 12, eta: 0, phi: 0, charge: 1)
        let images = MuonSample(muons: [m], deposits: [[]], suppliedImages: [[Double](repeating: 0, count: 1024)])
        #expect { try images.removingChargedPileup() } throws: { "\($0)".contains("charged_pileup") }
        let unknown = MuonSample(muons: [m], deposits: [[Particle(pt: 1, eta: 0.1, phi: 0.1, category: .unknown)]])
        #expect { try unknown.removingChargedPileup() } throws: { "\($0)".contains("categories") }
    }
}
