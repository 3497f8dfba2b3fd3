@preconcurrency import CGSL
import Foundation
import NeymanCore

/// Upper limits by inverting the CLs test (docs/formulas.md §3): the `mu` where `CLs(mu) = 1 - CL`, for the observed
/// data and for each of the five expected values, each found by bracketing and GSL's Brent solver
/// (`gsl_root_fsolver_brent`).
public struct UpperLimitResult: Sendable {
    /// The confidence level (0.95 by default).
    public let cl: Double
    /// The observed limit; when ``observedIsLowerBound`` it is ``scanMaximum`` (the limit lies above it).
    public let observed: Double
    /// `[-2 sigma, -1 sigma, median, +1 sigma, +2 sigma]` (pyhf's order); an entry flagged in
    /// ``expectedIsLowerBound`` is ``scanMaximum``.
    public let expected: [Double]
    /// The observed CLs stayed above `1 - CL` up to ``scanMaximum``: ``observed`` is only a lower bound.
    public let observedIsLowerBound: Bool
    /// Per expected value, the same flag.
    public let expectedIsLowerBound: [Bool]
    /// The largest `mu` the scan may test.
    public let scanMaximum: Double
    /// The largest upper bound of `mu` any evaluation used (the POI's own bound unless the scan had to extend it).
    public let largestBoundUsed: Double
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

    /// Finds the observed and expected limits within `[0, upperBound]`.
    ///
    /// - Parameters:
    ///   - upperBound: the largest `mu` that may be tested (the POI's upper bound).
    ///   - initialGuess: where to start bracketing (a rough scale of the limit).
    ///   - test: the CLs test at a given `mu`. It must be deterministic (toys: a fixed seed).
    /// - Throws: ``NeymanError/numerical(_:_:)`` when any of the six limits lies above `upperBound` (use
    ///   ``find(upperBound:maximum:initialGuess:makeTest:)`` to extend the range instead), or CLs is undefined.
    public func find(upperBound: Double, initialGuess: Double, test: (Double) throws -> HypothesisTestResult) throws -> UpperLimitResult {
        let r = try search(upperBound: upperBound, maximum: upperBound, initialGuess: initialGuess, largestBound: { upperBound }, eval: test)
        guard !r.observedIsLowerBound, !r.expectedIsLowerBound.contains(true) else {
            throw NeymanError.numericalFailure("CLs stays above \(alpha) up to mu = \(upperBound): the limit lies beyond the allowed range of mu")
        }
        return r
    }

    /// The upper bound of `mu` used to test `mu`: `upperBound` for `mu <= upperBound`, else `upperBound * 2^k` with the
    /// smallest `k` that covers `mu`, but never above `maximum` (a function of `mu` alone, so every curve sees the same
    /// CLs at the same `mu`).
    public static func bound(for mu: Double, upperBound: Double, maximum: Double) -> Double {
        guard mu > upperBound, upperBound > 0 else { return upperBound }
        var b = upperBound
        while b < mu && b < maximum { b *= 2 }
        return min(b, max(maximum, upperBound))
    }

    /// Finds the observed and expected limits, extending the scan above `upperBound` (the POI's bound) when a curve's
    /// CLs is still above `1 - CL` there: the bracket's upper end doubles up to `maximum`, and a `mu` above `upperBound`
    /// is tested with the model whose POI bound is ``bound(for:upperBound:maximum:)``. A limit still not bracketed at
    /// `maximum` is reported as `maximum` with its `...IsLowerBound` flag set (the limit lies above it).
    ///
    /// - Parameters:
    ///   - makeTest: given an upper bound `B` of `mu`, the CLs test of a model with that bound (valid for `mu <= B`);
    ///     called once per bound.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when `maximum < upperBound`; ``NeymanError/numerical(_:_:)`` when
    ///   CLs is not a number at some `mu` (e.g. toys with CLb = 0).
    public func find(upperBound: Double, maximum: Double, initialGuess: Double,
                     makeTest: (Double) throws -> (Double) throws -> HypothesisTestResult) throws -> UpperLimitResult {
        guard upperBound > 0, upperBound.isFinite else {
            throw NeymanError.invalid("the upper bound of mu must be positive to scan for a limit, got \(upperBound)", parameter: "mu-bounds")
        }
        guard maximum.isFinite, maximum >= upperBound else {
            throw NeymanError.invalid("the scan maximum \(maximum) lies below the upper bound of mu (\(upperBound))", parameter: "scan-max")
        }
        var tests: [Double: (Double) throws -> HypothesisTestResult] = [:]
        var largest = upperBound
        return try search(upperBound: upperBound, maximum: maximum, initialGuess: initialGuess, largestBound: { largest }) { mu in
            let b = Self.bound(for: mu, upperBound: upperBound, maximum: maximum)
            let t: (Double) throws -> HypothesisTestResult
            if let cached = tests[b] { t = cached } else { t = try makeTest(b); tests[b] = t }
            largest = max(largest, b)
            return try t(mu)
        }
    }

    /// The bracketing and Brent search of every curve, with `eval(mu)` the (uncached) CLs test.
    private func search(upperBound: Double, maximum: Double, initialGuess: Double, largestBound: () -> Double,
                        eval test: (Double) throws -> HypothesisTestResult) throws -> UpperLimitResult {
        var cache: [Double: HypothesisTestResult] = [:]
        func eval(_ mu: Double) throws -> HypothesisTestResult {
            if let r = cache[mu] { return r }
            let r = try test(mu)
            cache[mu] = r
            return r
        }
        // Values of CLs for the observed (index 0) and expected (1...5) curves.
        func curve(_ mu: Double, _ k: Int) throws -> Double {
            let r = try eval(mu)
            let v = k == 0 ? r.cls : r.clsExpected[k - 1]
            guard !v.isNaN else {
                let name = k == 0 ? "the observed CLs" : "the expected CLs (\(Int(ExpectedBand.sigmas[k - 1])) sigma)"
                throw NeymanError.numericalFailure("\(name) is not a number at mu = \(mu)"
                                                   + (r.toys > 0 ? " (CLb = 0 in \(r.toys) toys: use more toys)" : ""))
            }
            return v
        }

        var limits = [Double](repeating: .nan, count: 6)
        var beyond = [Bool](repeating: false, count: 6)
        for k in 0..<6 {
            // Bracket: lo with CLs > alpha, hi with CLs < alpha.
            var lo = 0.0
            var hi = min(max(initialGuess, 1e-3), upperBound)
            var fhi = try curve(hi, k) - alpha
            var steps = 0
            while fhi > 0 && hi < maximum && steps < 200 {
                lo = hi
                hi = min(hi * 2, maximum)
                fhi = try curve(hi, k) - alpha
                steps += 1
            }
            guard fhi <= 0 else {
                limits[k] = maximum
                beyond[k] = true
                continue
            }
            // Tighten lo from below if the first guess already had CLs < alpha.
            if lo == 0 {
                var l = hi / 2
                steps = 0
                while l > 1e-12 && steps < 60 {
                    if try curve(l, k) - alpha > 0 { lo = l; break }
                    hi = l
                    l /= 2
                    steps += 1
                }
            }
            if fhi == 0 { limits[k] = hi; continue }
            limits[k] = try brent(lo: lo, hi: hi) { mu in try curve(mu, k) - alpha }
        }
        let evals = cache.sorted { $0.key < $1.key }.map { (mu: $0.key, cls: $0.value.cls, expected: $0.value.clsExpected) }
        return UpperLimitResult(cl: 1 - alpha, observed: limits[0], expected: Array(limits[1...5]),
                                observedIsLowerBound: beyond[0], expectedIsLowerBound: Array(beyond[1...5]),
                                scanMaximum: maximum, largestBoundUsed: largestBound(), evaluations: evals)
    }

    /// Brent's method on `[lo, hi]` with `f(lo) > 0 > f(hi)`, at this finder's tolerances.
    func brent(lo: Double, hi: Double, _ f: (Double) throws -> Double) throws -> Double {
        try RootFinding.brent(lo: lo, hi: hi, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance, f)
    }
}
