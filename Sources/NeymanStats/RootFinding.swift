import CGSL
import Foundation
import NeymanCore

/// One-dimensional root finding with GSL's Brent solver (`gsl_root_fsolver_brent`).
public enum RootFinding {
    /// The root of `f` in `[lo, hi]`, where `f(lo)` and `f(hi)` have opposite signs, to
    /// `|a - b| < absoluteTolerance + relativeTolerance * min(|a|, |b|)` (`gsl_root_test_interval`).
    /// - Throws: an error thrown by `f` (rethrown as is), or a numerical failure when there is no sign change.
    public static func brent(lo: Double, hi: Double, absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                             maxIterations: Int = 200, _ f: (Double) throws -> Double) throws -> Double {
        return try withGSLFunction(f) { function, pendingError in
            guard let s = gsl_root_fsolver_alloc(neyman_gsl_root_brent()) else {
                throw NeymanError.numericalFailure("cannot allocate the root finder")
            }
            defer { gsl_root_fsolver_free(s) }
            guard gsl_root_fsolver_set(s, &function, lo, hi) == 0 else {
                if let e = pendingError() { throw e }
                throw NeymanError.numericalFailure("no sign change in [\(lo), \(hi)]")
            }
            var root = 0.5 * (lo + hi)
            for _ in 0..<maxIterations {
                let status = gsl_root_fsolver_iterate(s)
                if let e = pendingError() { throw e }
                if status != 0 { break }
                root = gsl_root_fsolver_root(s)
                let a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s)
                if gsl_root_test_interval(a, b, absoluteTolerance, relativeTolerance) == GSL_SUCCESS { break }
            }
            return root
        }
    }
}

/// One-dimensional minimisation with GSL's Brent minimiser (`gsl_min_fminimizer_brent`).
public enum Minimization1D {
    /// The minimum of `f` on `[lo, hi]`: `f` is first tabulated at `gridPoints` equally spaced points to find a
    /// bracket `f(a) > f(m) < f(b)` around the lowest point; if the lowest point is an end of the range, that end is
    /// returned (the minimum lies on the boundary). Converged when the bracket is below
    /// `absoluteTolerance + relativeTolerance * |x|` (`gsl_min_test_interval`).
    /// - Throws: an error thrown by `f`; a numerical failure when `f` is not finite at the grid points.
    public static func brent(lo: Double, hi: Double, gridPoints: Int = 9, absoluteTolerance: Double = 1e-8,
                             relativeTolerance: Double = 1e-8, maxIterations: Int = 200,
                             _ f: (Double) throws -> Double) throws -> (x: Double, value: Double) {
        guard hi > lo, gridPoints >= 3 else { throw NeymanError.invalid("minimisation needs hi > lo and >= 3 grid points") }
        let xs = (0..<gridPoints).map { lo + (hi - lo) * Double($0) / Double(gridPoints - 1) }
        let fs = try xs.map { try f($0) }
        guard fs.allSatisfy(\.isFinite) else { throw NeymanError.numericalFailure("the function is not finite on [\(lo), \(hi)]") }
        var k = 0
        for i in fs.indices where fs[i] < fs[k] { k = i }
        if k == 0 || k == gridPoints - 1 { return (xs[k], fs[k]) }
        return try withGSLFunction(f) { function, pendingError in
            guard let s = gsl_min_fminimizer_alloc(neyman_gsl_min_brent()) else {
                throw NeymanError.numericalFailure("cannot allocate the minimiser")
            }
            defer { gsl_min_fminimizer_free(s) }
            guard gsl_min_fminimizer_set_with_values(s, &function, xs[k], fs[k], xs[k - 1], fs[k - 1], xs[k + 1], fs[k + 1]) == 0 else {
                if let e = pendingError() { throw e }
                throw NeymanError.numericalFailure("no bracket for the minimum in [\(xs[k - 1]), \(xs[k + 1])]")
            }
            for _ in 0..<maxIterations {
                let status = gsl_min_fminimizer_iterate(s)
                if let e = pendingError() { throw e }
                if status != 0 { break }
                let a = gsl_min_fminimizer_x_lower(s), b = gsl_min_fminimizer_x_upper(s)
                if gsl_min_test_interval(a, b, absoluteTolerance, relativeTolerance) == GSL_SUCCESS { break }
            }
            return (gsl_min_fminimizer_x_minimum(s), gsl_min_fminimizer_f_minimum(s))
        }
    }
}
