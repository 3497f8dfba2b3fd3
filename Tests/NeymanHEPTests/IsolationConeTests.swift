import Foundation
import Testing
import NeymanCore
@testable import NeymanHEP

/// Calorimeter images, cone isolation from images and from particles, and the CMS particle-flow isolation, on
/// hand-computed cases.
@Suite("Isolation cones and images")
struct IsolationConeTests {
    @Test func imageCellsAndWrapping() {
        // A muon at phi = pi - 0.01: a deposit at -pi + 0.02 is 0.03 away in phi (across the seam).
        let deposits = [Particle(pt: 2, eta: 0, phi: -Double.pi + 0.02), Particle(pt: 3, eta: 0.45, phi: Double.pi - 0.01),
                        Particle(pt: 4, eta: -0.45, phi: Double.pi - 0.01)]
        let image = CalorimeterImage.make(deposits: deposits, muonEta: 0, muonPhi: Double.pi - 0.01)
        #expect(image.count == 1024)
        // d_eta = 0 -> cell 16; d_phi = +0.03 -> cell floor((0.03 + 0.45) / 0.028125) = 17.
        #expect(abs(image[16 * 32 + 17] - 2) < 1e-12)
        // d_eta = +0.45 lies on the upper edge: outside. d_eta = -0.45: cell 0, d_phi = 0: cell 16.
        #expect(abs(image[0 * 32 + 16] - 4) < 1e-12)
        #expect(abs(image.reduce(0, +) - 6) < 1e-12)
        #expect(CalorimeterImage.cell(0.45) == nil && CalorimeterImage.cell(-0.45) == 0 && CalorimeterImage.cell(0.4499) == 31)
    }

    @Test func conesFromParticlesAndFromImages() throws {
        let muon = (pt: 10.0, eta: 0.0, phi: 0.0)
        let deposits = [Particle(pt: 1, eta: 0.0, phi: 0.01), Particle(pt: 2, eta: 0.1, phi: 0.0),
                        Particle(pt: 4, eta: 0.0, phi: -0.3), Particle(pt: 8, eta: 0.44, phi: 0.0)]
        let radii = [0.05, 0.2, 0.35, 0.45]
        let exact = IsolationCones.fromParticles(deposits, muonPt: muon.pt, muonEta: muon.eta, muonPhi: muon.phi, radii: radii)
        expectClose(exact, [0.1, 0.3, 0.7, 1.5])
        // From the image: cells are placed at their centres; the deposit at (0, 0.01) sits in the cell centred at
        // (0.0140625, 0.0140625) (0.0199 away), the one at (0.1, 0) at (0.0984375, 0.0140625) (0.0994 away), etc.
        let image = CalorimeterImage.make(deposits: deposits, muonEta: muon.eta, muonPhi: muon.phi)
        let fromImage = IsolationCones.fromImage(image, muonPt: muon.pt, radii: radii)
        expectClose(fromImage, [0.1, 0.3, 0.7, 1.5])
        // A cone just above a cell centre's distance includes it, just below excludes it.
        let c = CalorimeterImage.cellCentre(16)   // 0.0140625
        let r = (2 * c * c).squareRoot()
        #expect(IsolationCones.fromImage(image, muonPt: 10, radii: [r - 1e-9, r + 1e-9]) == [0, 0.1])
    }

    @Test func particleFlowIsolation() {
        let deposits = [Particle(pt: 1, eta: 0, phi: 0.1, category: .chargedHadron), Particle(pt: 2, eta: 0, phi: 0.2, category: .neutralHadron),
                        Particle(pt: 3, eta: 0.1, phi: 0, category: .photon), Particle(pt: 4, eta: 0, phi: -0.1, category: .pileup),
                        Particle(pt: 100, eta: 0.41, phi: 0, category: .chargedHadron)]
        // charged 1 + max(0, 2 + 3 - 4/2) = 4, over pt 20; the deposit at dR = 0.41 is outside the 0.4 cone.
        #expect(abs(IsolationCones.particleFlow(deposits, muonPt: 20, muonEta: 0, muonPhi: 0) - 0.2) < 1e-15)
        // Pileup larger than the neutrals: the neutral term is floored at 0.
        let heavy = deposits + [Particle(pt: 40, eta: 0, phi: 0.3, category: .pileup)]
        #expect(abs(IsolationCones.particleFlow(heavy, muonPt: 20, muonEta: 0, muonPhi: 0) - 0.05) < 1e-15)
    }

    @Test func radiiParsing() throws {
        let r = try IsolationCones.parseRadii("0.025:0.45:0.025")
        #expect(r.count == 18 && abs(r[17] - 0.45) < 1e-12)
        #expect(try IsolationCones.parseRadii("0.1,0.3") == [0.1, 0.3])
        for bad in ["0:0.4:0.1", "0.1:0.5:0.1", "0.5", "x", "0.1:0.2", "0.1:0.2:0"] {
            #expect(throws: NeymanError.self, "\(bad)") { try IsolationCones.parseRadii(bad) }
        }
    }

    func expectClose(_ a: [Double], _ b: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }, "\(a) vs \(b)", sourceLocation: sourceLocation)
    }
}
