import Foundation
import Testing
import NeymanCore
import NeymanStats
@testable import NeymanHEP

/// The built-in muon generator: reproducible and independent of the thread count, the paper's selection, the
/// physics structure (non-prompt muons carry more around them), flattening weights, and the NPZ round trip.
@Suite("Built-in muon generator and the sample file")
struct MuonGeneratorTests {
    static func settings(_ n: Int = 3000, kind: MuonGeneratorSettings.Kind = .isolation) -> MuonGeneratorSettings {
        var s = MuonGeneratorSettings()
        s.muons = n
        s.kind = kind
        s.seed = 17
        return s
    }

    @Test func reproducibleAndThreadIndependent() throws {
        let a = try MuonGenerator.generate(Self.settings(600), threads: 1)
        let b = try MuonGenerator.generate(Self.settings(600), threads: 2)
        #expect(a.muons == b.muons && a.deposits == b.deposits && a.labels == b.labels && a.weights == b.weights)
        // The first muons of a larger sample are the smaller sample.
        let c = try MuonGenerator.generate(Self.settings(900), threads: 2)
        #expect(Array(c.muons.prefix(600)) == a.muons)
        var other = Self.settings(600)
        other.seed = 18
        #expect(try MuonGenerator.generate(other).muons != a.muons)
    }

    @Test func selectionCategoriesAndStructure() throws {
        let s = try MuonGenerator.generate(Self.settings())
        #expect(s.count == 3000)
        #expect(s.muons.allSatisfy { $0.pt >= 10 && $0.pt <= 15 && abs($0.eta) < 2.5 && abs($0.charge) == 1 })
        let labels = try #require(s.labels)
        let prompt = labels.filter { $0 == 1 }.count
        #expect(abs(Double(prompt) / 3000 - 0.5) < 0.05)
        // Every deposit within the 0.45 cone, positive pt, phi wrapped; all categories appear.
        var categories = Set<ParticleCategory>()
        for (m, d) in zip(s.muons, s.deposits) {
            for p in d {
                #expect(p.pt > 0 && abs(p.phi) <= Double.pi && deltaR(eta1: p.eta, phi1: p.phi, eta2: m.eta, phi2: m.phi) < 0.45)
                categories.insert(p.category)
            }
        }
        #expect(categories == [.chargedHadron, .neutralHadron, .photon, .pileup])
        // Non-prompt muons carry more energy in every cone; the AUC of a cone rises with its radius here.
        let cones = s.cones([0.1, 0.2, 0.4])
        var aucs: [Double] = []
        for c in cones {
            let meanPrompt = zip(c, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +) / Double(prompt)
            let meanNonPrompt = zip(c, labels).filter { $0.1 == 0 }.map(\.0).reduce(0, +) / Double(3000 - prompt)
            #expect(meanNonPrompt > meanPrompt)
            aucs.append(try ROC.auc(scores: c.map { -$0 }, labels: labels))
        }
        #expect(aucs[0] > 0.52 && aucs[0] < aucs[1] && aucs[1] < aucs[2] && aucs[2] < 0.95, "\(aucs)")
    }

    /// The flattening weights make each class's (pT, eta) histogram flat: their sum per class is the class count and
    /// the weighted population of two halves of the pT range agrees (to 3 %: with about 10 muons per bin, a few
    /// bins in the steep tails are empty and cannot be weighted up).
    @Test func flatteningWeights() throws {
        let s = try MuonGenerator.generate(Self.settings(20000))
        let w = try #require(s.weights), labels = try #require(s.labels)
        for cls in [0.0, 1.0] {
            let idx = labels.indices.filter { labels[$0] == cls }
            let sum: Double = idx.map { w[$0] }.reduce(0, +), count = Double(idx.count)
            #expect(abs(sum - count) < 1e-6 * count)
            let low = idx.filter { s.muons[$0].pt < 12.5 }.map { w[$0] }.reduce(0, +)
            let high = idx.filter { s.muons[$0].pt >= 12.5 }.map { w[$0] }.reduce(0, +)
            #expect(abs(low / high - 1) < 0.03, "class \(cls): \(low) vs \(high)")
            // Unweighted, the falling spectra put clearly more muons in the lower half.
            #expect(Double(idx.filter { s.muons[$0].pt < 12.5 }.count) / Double(idx.filter { s.muons[$0].pt >= 12.5 }.count) > 1.2)
        }
    }

    @Test func dimuonSelection() throws {
        let s = try MuonGenerator.generate(Self.settings(1000, kind: .dimuon))
        #expect(s.count == 1000)
        let mass = try #require(s.pairMass), charge = try #require(s.pairCharge), event = try #require(s.event)
        #expect(s.muons.allSatisfy { $0.pt > 25 && abs($0.eta) < 2.1 })
        #expect(mass.allSatisfy { $0 > 70 && $0 < 110 })
        for e in stride(from: 0, to: 1000, by: 2) {
            #expect(event[e] == event[e + 1] && mass[e] == mass[e + 1])
            #expect(s.muons[e].charge * s.muons[e + 1].charge == charge[e])
        }
        // Z events peak at 91 GeV: most of their masses within 5 GeV of it.
        let z = (0..<1000).filter { s.process?[$0] == 0 }
        #expect(Double(z.filter { abs(mass[$0] - 91.19) < 5 }.count) / Double(z.count) > 0.6)
    }

    @Test func npzRoundTripAndHostileFiles() throws {
        let s = try MuonGenerator.generate(Self.settings(200))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-muons-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.npz").path
        try s.write(to: path, includeImages: true)
        let back = try MuonSample.read(path: path)
        #expect(back.muons == s.muons && back.labels == s.labels && back.weights == s.weights && back.metadata == s.metadata)
        // Deposits come back sorted by pt; the same particles.
        for (a, b) in zip(back.deposits, s.deposits) { #expect(a == b.sorted { $0.pt > $1.pt }) }
        // The stored float32 image equals the computed one to float precision.
        let stored = back.image(3), computed = s.image(3)
        #expect(zip(stored, computed).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        // Hostile members: each error names the member.
        func write(_ members: [(String, NPYArray)]) throws -> String {
            let p = dir.appendingPathComponent("bad.npz").path
            try NPZArchive.write(members, to: p)
            return p
        }
        let x = try NPYArray(shape: [1, 1, 4], values: [1, 0, 0, 1]), muons = try NPYArray(shape: [1, 4], values: [12, 0, 0, 1])
        let cases: [([(String, NPYArray)], String)] = [
            ([("muons", muons)], "'X'"),
            ([("X", x)], "'muons'"),
            ([("X", try NPYArray(shape: [1, 4], values: [1, 0, 0, 1])), ("muons", muons)], "'X'"),
            ([("X", try NPYArray(shape: [1, 1, 4], values: [1, 0, 0, 9])), ("muons", muons)], "category"),
            ([("X", try NPYArray(shape: [1, 1, 4], values: [-1, 0, 0, 1])), ("muons", muons)], "'X'"),
            ([("X", x), ("muons", try NPYArray(shape: [1, 4], values: [12, 0, 0, 2]))], "charge"),
            ([("X", x), ("muons", muons), ("y", NPYArray([0.5]))], "'y'"),
            ([("X", x), ("muons", muons), ("weights", NPYArray([1, 2]))], "'weights'"),
        ]
        for (members, mention) in cases {
            let p = try write(members)
            let e = #expect(throws: NeymanError.self, "\(mention)") { try MuonSample.read(path: p) }
            #expect(e?.message.contains(mention) == true || e?.location.column.map { mention.contains($0) } == true,
                    "\(mention): \(e?.description ?? "")")
            #expect(e?.location.file == p)
        }
    }
}
