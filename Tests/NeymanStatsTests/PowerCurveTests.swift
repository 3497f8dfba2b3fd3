import CGSL
import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("Power vs type-I error")
struct PowerCurveTests {
    /// T ~ N(0, 1) under H0 and N(d, 1) under H1: power(alpha) = 1 - Phi(z_{1-alpha} - d).
    @Test func gaussianShiftMatchesTheAnalyticPower() throws {
        let rng = RandomStream(seed: 3)
        let n = 200_000, d = 2.0
        let h0 = (0..<n).map { _ in rng.normal() }
        let h1 = (0..<n).map { _ in rng.normal(mean: d) }
        let pc = try PowerCurve(null: h0, alternative: h1)
        for alpha in [0.01, 0.05, 0.2, 0.5] {
            let exact = gsl_cdf_ugaussian_Q(gsl_cdf_ugaussian_Qinv(alpha) - d)
            // Errors: binomial on H1 plus the H0 quantile's, both ~1e-3 here.
            #expect(abs(pc.power(at: alpha) - exact) < 0.006, "alpha \(alpha)")
        }
        #expect(pc.power(at: 0) <= pc.power(at: 0.001))
        #expect(pc.power(at: 1) == 1)
    }

    /// A discrete statistic reaches every size through randomisation at the threshold.
    @Test func discreteStatisticIsRandomisedAtTheThreshold() throws {
        let pc = try PowerCurve(null: [0, 0, 1, 1], alternative: [1, 1, 1, 2])
        // alpha = 0.25: threshold 1, P0(T > 1) = 0, P0(T = 1) = 1/2 -> gamma = 1/2;
        // power = P1(T > 1) + gamma P1(T = 1) = 1/4 + 1/2 * 3/4.
        #expect(abs(pc.power(at: 0.25) - (0.25 + 0.375)) < 1e-15)
        // alpha = 0.5: reject every T = 1 -> power = 1.
        #expect(abs(pc.power(at: 0.5) - 1) < 1e-15)
        // alpha = 0.75: threshold 0, gamma = 1/2, P1(T > 0) = 1.
        #expect(pc.power(at: 0.75) == 1)
        #expect(abs(pc.powerError(0.5) - 0.25) < 1e-15)
    }

    @Test func identicalDistributionsGivePowerEqualToSize() throws {
        let rng = RandomStream(seed: 4)
        let h = (0..<100_000).map { _ in Double(rng.poisson(mean: 5)) }
        let pc = try PowerCurve(null: h, alternative: h)
        for alpha in [0.05, 0.3] { #expect(abs(pc.power(at: alpha) - alpha) < 1e-12) }
    }

    @Test func emptyOrNaNSamplesAreErrors() {
        #expect(throws: NeymanError.self) { try PowerCurve(null: [], alternative: [1]) }
        #expect(throws: NeymanError.self) { try PowerCurve(null: [1, .nan], alternative: [1]) }
    }
}
