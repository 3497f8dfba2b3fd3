import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// The upper-limit scan beyond the POI's bound: `n = 5, s = 1, b = 5` (known background) has an observed limit near
/// 5.75 inside [0, 10], but its +2 sigma expected limit lies near 13; the whole search used to fail with "beyond the
/// allowed range".
///
/// Closed form (no minimiser): with `n = b` the observed data are the Asimov data of `mu' = 0`, `mu_hat = 0`, and
/// `q~_mu = q_A(mu) = 2 [mu s - b ln(1 + mu s / b)]`. Observed: `t = 0`, so `CLs = 2 Phi(-sqrt(q_A)) = 0.05`. Expected
/// at `N` sigma (`N = 2, 1, 0, -1, -2` for output positions -2 ... +2): `Phi(-(N + sqrt(q_A))) / Phi(-N) = 0.05`.
@Suite("Upper-limit scan beyond the bound of mu")
struct UpperLimitScanTests {
    let model: BinnedModel
    let data: BinnedData

    init() throws {
        model = try BinnedModel.uncorrelatedBackground(signal: [1], background: [5], uncertainty: nil)
        data = try model.data(observed: [5])
    }

    /// The mu where `2 [mu - 5 ln(1 + mu / 5)] = qA`, by bisection.
    static func mu(forQA qA: Double) -> Double {
        var lo = 0.0, hi = 1000.0
        for _ in 0..<200 {
            let m = 0.5 * (lo + hi)
            if 2 * (m - 5 * log(1 + m / 5)) < qA { lo = m } else { hi = m }
        }
        return 0.5 * (lo + hi)
    }

    static var closedForm: (observed: Double, expected: [Double]) {
        let observed = mu(forQA: pow(Normal.upperQuantile(0.025), 2))
        let expected = ExpectedBand.asymptoticNSigma.map { n -> Double in
            let sqA = -n - Normal.quantile(0.05 * Normal.cdf(-n))
            return mu(forQA: sqA * sqA)
        }
        return (observed, expected)
    }

    func makeTest(_ bound: Double) throws -> (Double) throws -> HypothesisTestResult {
        let calc = try AsymptoticCalculator(model: model.withPOIBounds(lower: 0, upper: bound), data: data)
        return { try calc.test(mu: $0) }
    }

    @Test func closedFormIsWhatTheIssueSays() {
        let c = Self.closedForm
        #expect(abs(c.observed - 5.75) < 0.01)
        #expect(c.expected[4] > 10 && c.expected[3] < 10)
    }

    /// Inside [0, 10] only: the old search refuses (+2 sigma lies beyond 10).
    @Test func withinTheBoundTheOldSearchFails() throws {
        let calc = try AsymptoticCalculator(model: model, data: data)
        #expect(throws: NeymanError.self) {
            try UpperLimitFinder(cl: 0.95).find(upperBound: 10, initialGuess: 1) { try calc.test(mu: $0) }
        }
    }

    /// The extended scan finds all six limits, equal to the closed form, doubling the bound once (to 20).
    @Test func extendedScanMatchesClosedForm() throws {
        let r = try UpperLimitFinder(cl: 0.95).find(upperBound: 10, maximum: 1000, initialGuess: 1, makeTest: makeTest)
        let c = Self.closedForm
        #expect(relClose(r.observed, c.observed, 1e-6), "\(r.observed) vs \(c.observed)")
        for (a, b) in zip(r.expected, c.expected) { #expect(relClose(a, b, 1e-6), "\(a) vs \(b)") }
        #expect(!r.observedIsLowerBound && r.expectedIsLowerBound == [false, false, false, false, false])
        #expect(r.largestBoundUsed == 20 && r.scanMaximum == 1000)
    }

    /// Beyond the cap the edge is reported as the cap, flagged as a lower bound; the rest is unaffected.
    @Test func beyondTheCapIsALowerBound() throws {
        let r = try UpperLimitFinder(cl: 0.95).find(upperBound: 10, maximum: 12, initialGuess: 1, makeTest: makeTest)
        let c = Self.closedForm
        #expect(r.expected[4] == 12 && r.expectedIsLowerBound == [false, false, false, false, true])
        #expect(relClose(r.observed, c.observed, 1e-6) && !r.observedIsLowerBound)
        #expect(relClose(r.expected[3], c.expected[3], 1e-6))
        #expect(throws: NeymanError.self) {
            try UpperLimitFinder(cl: 0.95).find(upperBound: 10, maximum: 5, initialGuess: 1, makeTest: makeTest)
        }
    }

    @Test func boundOfATestedMu() {
        #expect(UpperLimitFinder.bound(for: 3, upperBound: 10, maximum: 1000) == 10)
        #expect(UpperLimitFinder.bound(for: 10, upperBound: 10, maximum: 1000) == 10)
        #expect(UpperLimitFinder.bound(for: 10.5, upperBound: 10, maximum: 1000) == 20)
        #expect(UpperLimitFinder.bound(for: 41, upperBound: 10, maximum: 1000) == 80)
        #expect(UpperLimitFinder.bound(for: 900, upperBound: 10, maximum: 1000) == 1000)
        #expect(UpperLimitFinder.bound(for: 11, upperBound: 10, maximum: 12) == 12)
    }
}
