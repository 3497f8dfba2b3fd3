@preconcurrency import CGSL
import Foundation
import NeymanCore

/// Upper limits by inverting the CLs test (formulas.md §3): the `mu` where `CLs(mu) = 1 - CL`, for the observed
/// data and for each of the five expected values, each found by bracketing and GSL's Brent solver
/// (`gsl_root_fsolver_brent`).
public struct UpperLimitResult: Sendable {
    /// The confidence level (0.95 by default).
    public let cl: Double
    public let observed: Double
    /// `[-2 sigma, -1 sigma, median, +1 sigma, +2 sigma]` (pyhf's order).
    public let expected: [Double]
    /// The `(mu, CLs observed, CLs expected x5)` points evaluated along the way, sorted by `mu`.
    public let evaluations: [(mu: Double, cls: Double, expected: [Double])]
}

/// Inverts a CLs test given as a function `mu -> HypothesisTestResult`.
public struct UpperLimitFinder: Sendable {
    /// `1 - CL`, the CLs value the limit sits at.
    public let alpha: Double
    /// Absolute and relative tolerance on `mu` for the root finder.
    public var absoluteTolerance: Double = 1e-9
    public var relativeTolerance: Double = 1e-9

    /// - Throws: if `cl` is not inside (0, 1).
    public init(cl: Double) throws {
        guard cl > 0, cl < 1, cl.isFinite else {
            throw NeymanError.invalid("confidence level must lie strictly between 0 and 1, got \(cl)", parameter: "cl")
        }
        alpha = 1 - cl
    }

    /// Finds the observed and expected limits.
    ///
    /// - Parameters:
    ///   - upperBound: the largest `mu` that may be tested (the POI's upper bound).
    ///   - initialGuess: where to start bracketing (a rough scale of the limit).
    ///   - test: the CLs test at a given `mu`. It must be deterministic (toys: a fixed seed).
    public func find(upperBound: Double, initialGuess: Double, test: (Double) throws -> HypothesisTestResult) throws -> UpperLimitResult {
        var cache: [Double: HypothesisTestResult] = [:]
        func eval(_ mu: Double) throws -> HypothesisTestResult {
            if let r = cache[mu] { return r }
            let r = try test(mu)
            cache[mu] = r
            return r
        }
        // Values of CLs for the observed (index 0) and expected (1...5) curves.
        func curve(_ r: HypothesisTestResult, _ k: Int) -> Double { k == 0 ? r.cls : r.clsExpected[k - 1] }

        var limits = [Double](repeating: .nan, count: 6)
        for k in 0..<6 {
            // Bracket: lo with CLs > alpha, hi with CLs < alpha.
            var lo = 0.0
            var hi = min(max(initialGuess, 1e-3), upperBound)
            var fhi = curve(try eval(hi), k) - alpha
            var steps = 0
            while fhi > 0 && hi < upperBound && steps < 60 {
                lo = hi
                hi = min(hi * 2, upperBound)
                fhi = curve(try eval(hi), k) - alpha
                steps += 1
            }
            guard fhi <= 0 else {
                throw NeymanError.numericalFailure("CLs stays above \(alpha) up to mu = \(upperBound): the limit lies beyond the allowed range of mu")
            }
            // Tighten lo from below if the first guess already had CLs < alpha.
            if lo == 0 {
                var l = hi / 2
                steps = 0
                while l > 1e-12 && steps < 60 {
                    if curve(try eval(l), k) - alpha > 0 { lo = l; break }
                    hi = l
                    l /= 2
                    steps += 1
                }
            }
            if fhi == 0 { limits[k] = hi; continue }
            limits[k] = try brent(lo: lo, hi: hi) { mu in curve(try eval(mu), k) - alpha }
        }
        let evals = cache.keys.sorted().map { (mu: $0, cls: cache[$0]!.cls, expected: cache[$0]!.clsExpected) }
        return UpperLimitResult(cl: 1 - alpha, observed: limits[0], expected: Array(limits[1...5]), evaluations: evals)
    }

    /// Brent's method on `[lo, hi]` with `f(lo) > 0 > f(hi)`, at this finder's tolerances.
    func brent(lo: Double, hi: Double, _ f: (Double) throws -> Double) throws -> Double {
        try RootFinding.brent(lo: lo, hi: hi, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance, f)
    }
}
