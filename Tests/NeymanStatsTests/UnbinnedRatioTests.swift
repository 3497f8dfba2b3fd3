import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

@Suite("Unbinned extended likelihood with per-event ratios")
struct UnbinnedRatioTests {
    /// guide eq. 3.8: ln L(mu) - ln L(0) = -mu S + sum ln(1 + mu S/B r_i).
    @Test func matchesGuideEquation() throws {
        let r = [0.2, 1.5, 3.0, 0.0, 0.9]
        let l = try UnbinnedRatioLikelihood(signal: 12, background: 100, ratios: r)
        for mu in [0.3, 1.0, 2.5] {
            let direct = -(l.negativeLogLikelihood([mu, 1]) - l.negativeLogLikelihood([0, 1]))
            let guide = -mu * 12 + r.reduce(0) { $0 + log(1 + mu * 12 / 100 * $1) }
            #expect(abs(direct - guide) < 1e-12)
        }
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let l = try UnbinnedRatioLikelihood(signal: 12, background: 100, ratios: [0.2, 1.5, 3.0, 0.7], weights: [1, 0.5, 2, 1],
                                            backgroundUncertainty: 0.1, auxiliary: 1.03)
        let x = [0.8, 0.96]
        var g = [0.0, 0.0]
        _ = l.negativeLogLikelihood(x, gradient: &g)
        for k in 0..<2 {
            var up = x, dn = x
            up[k] += 1e-6; dn[k] -= 1e-6
            let numeric = (l.negativeLogLikelihood(up) - l.negativeLogLikelihood(dn)) / 2e-6
            #expect(abs(numeric - g[k]) < 1e-6 * max(1, abs(g[k])))
        }
    }

    /// With r = 1 for every event the model is a counting experiment: mu_hat = (N - B) / S.
    @Test func reducesToCountingWhenRatiosAreOne() throws {
        let l = try UnbinnedRatioLikelihood(signal: 10, background: 100, ratios: [Double](repeating: 1, count: 117))
        let fit = try Minimizer().minimize(l)
        #expect(fit.converged)
        #expect(abs(fit.values[0] - 1.7) < 1e-6)
        // Hesse error: sqrt(N) / S.
        #expect(abs(fit.uncertainties[0] - 117.0.squareRoot() / 10) < 1e-4)
    }

    /// Toys of an unbinned model with known ratio densities: the fitted mu is unbiased.
    @Test func toysOfTheUnbinnedModelAreUnbiased() throws {
        // Background r ~ Exp(1) on [0, inf); signal r ~ Gamma(2, 1): then p_S/p_B = r, so r is the exact ratio.
        let model = UnbinnedRatioModel(signal: 50, background: 500, muBounds: -2...10,
                                       signalSampler: { $0.gamma(shape: 2, scale: 1) },
                                       backgroundSampler: { $0.exponential(mean: 1) })
        let fits = try deterministicParallelMap(count: 400, threads: 2) { i -> Double in
            let d = try model.sample([1, 1], rng: RandomStream(seed: 11, task: UInt64(i)))
            return try Minimizer(options: .fast).minimize(try model.likelihood(for: d)).values[0]
        }
        let mean = fits.reduce(0, +) / Double(fits.count)
        let sd = (fits.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(fits.count - 1)).squareRoot()
        #expect(abs(mean - 1) < 4 * sd / Double(fits.count).squareRoot(), "mean \(mean) sd \(sd)")
    }

    @Test func badInputIsRejected() {
        #expect(throws: NeymanError.self) { try UnbinnedRatioLikelihood(signal: 0, background: 10, ratios: [1]) }
        #expect(throws: NeymanError.self) { try UnbinnedRatioLikelihood(signal: 1, background: 10, ratios: [-1]) }
        #expect(throws: NeymanError.self) { try UnbinnedRatioLikelihood(signal: 1, background: 10, ratios: [1, 2], weights: [1]) }
    }
}
