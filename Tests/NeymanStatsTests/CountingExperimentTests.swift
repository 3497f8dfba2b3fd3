import Foundation
import Testing
@testable import NeymanStats

/// s = 10, b = 100 known exactly; n in {90, 100, 110, 130}: closed-form q~_mu, CLs, bands and limits
/// (Tests/Fixtures/cases/cls_counting), and exact Poisson CLs with the count as test statistic.
@Suite("Counting experiment with known background")
struct CountingExperimentTests {
    let reference: [String: Any]
    init() throws { reference = try Fixtures.json("cls_counting/cls_counting.expected.json") }

    var cases: [[String: Any]] { reference["cases"] as? [[String: Any]] ?? [] }

    @Test func referenceHasFourCases() { #expect(cases.count == 4) }

    @Test func asymptoticQTildeMatchesClosedForm() throws {
        for c in cases {
            let n = c.double("n_obs")
            let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
            let calc = try AsymptoticCalculator(model: model, data: try model.data(observed: [n]))
            let r = try calc.test(mu: 1)
            let e = c.dict("asymptotic_qtilde_mu1")
            // The closed form needs no minimiser: differences come from our fits only.
            #expect(abs(r.observedStatistic - e.double("qmu_tilde")) < 1e-9, "n = \(n)")
            #expect(relClose(r.asimovStatistic ?? .nan, e.double("qmu_tilde_asimov"), 1e-9), "n = \(n)")
            #expect(relClose(r.cls, e.double("CLs"), 1e-8), "n = \(n)")
            #expect(relClose(r.clsb, e.double("CLsb"), 1e-8), "n = \(n)")
            #expect(relClose(r.clb, e.double("CLb"), 1e-8), "n = \(n)")
            expectAllClose(r.clsExpected, e.doubles("CLs_exp_band"), rel: 1e-8, "n = \(n)")
        }
    }

    @Test func asymptoticUpperLimitsMatchClosedForm() throws {
        for c in cases {
            let n = c.double("n_obs")
            let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
            let calc = try AsymptoticCalculator(model: model, data: try model.data(observed: [n]))
            let ul = try UpperLimitFinder(cl: 0.95).find(upperBound: 10, initialGuess: 1) { try calc.test(mu: $0) }
            let e = c.dict("asymptotic_upper_limit_95")
            #expect(relClose(ul.observed, e.double("obs"), 1e-7), "n = \(n): \(ul.observed)")
            expectAllClose(ul.expected, e.doubles("exp_band"), rel: 1e-7, "n = \(n)")
        }
    }

    @Test func exactPoissonCLs() throws {
        for c in cases {
            let n = Int(c.double("n_obs"))
            let r = try PoissonCounting.cls(observed: n, signal: 10, background: 100, mu: 1)
            let e = c.dict("exact_poisson_mu1")
            #expect(relClose(r.cls, e.double("CLs"), 1e-12))
            #expect(relClose(r.clsb, e.double("CLsb"), 1e-12))
            #expect(relClose(r.clb, e.double("CLb"), 1e-12))
            let ul = try PoissonCounting.upperLimit(observed: n, signal: 10, background: 100)
            #expect(relClose(ul, c.double("exact_poisson_upper_limit_95"), 1e-9), "n = \(n): \(ul)")
        }
    }

    /// q~_mu by hand: -2 ln[L(mu)/L(max(mu_hat, 0))] with mu_hat = (n - b)/s, independent of the minimiser.
    @Test func qTildeAgainstHandFormulaOffGrid() throws {
        for n in [0.0, 3, 95, 101.5, 104] {
            let s = 10.0, b = 100.0, mu = 0.7
            let muHat = max((n - b) / s, 0)
            func lnL(_ m: Double) -> Double { n * log(m * s + b) - (m * s + b) }
            let expected = muHat > mu ? 0 : -2 * (lnL(mu) - lnL(muHat))
            let model = try BinnedModel.uncorrelatedBackground(signal: [s], background: [b], uncertainty: nil)
            let v = try ProfileLikelihood(model: model).evaluate(.qmuTilde, mu: mu, data: try model.data(observed: [n]))
            #expect(abs(v.value - expected) < 1e-8 * max(1, expected), "n = \(n): \(v.value) vs \(expected)")
        }
    }

    /// q_mu (not tilde) lets mu_hat go negative: for n < b it differs from q~_mu.
    @Test func qMuAllowsNegativeMuHat() throws {
        let s = 10.0, b = 100.0, n = 90.0, mu = 1.0
        let muHat = (n - b) / s  // -1
        func lnL(_ m: Double) -> Double { n * log(m * s + b) - (m * s + b) }
        let expected = -2 * (lnL(mu) - lnL(muHat))
        let model = try BinnedModel.uncorrelatedBackground(signal: [s], background: [b], uncertainty: nil)
        let v = try ProfileLikelihood(model: model).evaluate(.qmu, mu: mu, data: try model.data(observed: [n]))
        #expect(abs(v.freeFit.values[0] - muHat) < 1e-6)
        #expect(abs(v.value - expected) < 1e-8)
    }
}
