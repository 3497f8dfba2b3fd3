import Foundation
import Testing
@testable import NeymanHEP

/// Azimuthal wrapping and angular distance: the seam at +-pi and differences beyond 2 pi.
@Suite("Particle geometry")
struct ParticleGeometryTests {
    @Test func deltaPhiWrapsAcrossTheSeam() {
        // pi - 0.05 and -pi + 0.05 are 0.1 apart the short way round.
        #expect(abs(deltaPhi(Double.pi - 0.05, -Double.pi + 0.05) - (-0.1)) < 1e-12)
        #expect(abs(deltaPhi(-Double.pi + 0.05, Double.pi - 0.05) - 0.1) < 1e-12)
        #expect(abs(deltaPhi(0.3, 0.1) - 0.2) < 1e-15)
        // 4 pi + 0.2 is 0.2 away from 0.
        #expect(abs(deltaPhi(4 * Double.pi + 0.2, 0) - 0.2) < 1e-12)
        for k in 0..<200 {
            let a = Double(k) * 0.173 - 17, b = Double(k) * -0.291 + 5
            let d = deltaPhi(a, b)
            #expect(abs(d) <= Double.pi + 1e-12)
            // Same point on the circle: cos and sin agree.
            #expect(abs(cos(d) - cos(a - b)) < 1e-9 && abs(sin(d) - sin(a - b)) < 1e-9)
        }
    }

    @Test func deltaRIsEuclideanInEtaAndWrappedPhi() {
        #expect(abs(deltaR(eta1: 0.3, phi1: 3.1, eta2: -0.1, phi2: -3.1) - (0.16 + (2 * Double.pi - 6.2) * (2 * Double.pi - 6.2)).squareRoot()) < 1e-12)
        #expect(deltaR(eta1: 1, phi1: 1, eta2: 1, phi2: 1) == 0)
    }

    @Test func categoryNamesAreDistinct() {
        #expect(Set(ParticleCategory.allCases.map(\.name)).count == ParticleCategory.allCases.count)
    }
}
