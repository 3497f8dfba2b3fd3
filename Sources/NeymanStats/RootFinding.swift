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
        GSLErrorHandling.ensureDisabled()
        final class Box { var f: (Double) throws -> Double; var error: Error?; init(_ f: @escaping (Double) throws -> Double) { self.f = f } }
        return try withoutActuallyEscaping(f) { f in
            let box = Box(f)
            var function = gsl_function(function: { x, p in
                let b = Unmanaged<Box>.fromOpaque(p!).takeUnretainedValue()
                if b.error != nil { return .nan }
                do { return try b.f(x) } catch { b.error = error; return .nan }
            }, params: Unmanaged.passUnretained(box).toOpaque())
            guard let s = gsl_root_fsolver_alloc(neyman_gsl_root_brent()) else {
                throw NeymanError.numericalFailure("cannot allocate the root finder")
            }
            defer { gsl_root_fsolver_free(s) }
            guard gsl_root_fsolver_set(s, &function, lo, hi) == 0 else {
                if let e = box.error { throw e }
                throw NeymanError.numericalFailure("no sign change in [\(lo), \(hi)]")
            }
            var root = 0.5 * (lo + hi)
            for _ in 0..<maxIterations {
                let status = gsl_root_fsolver_iterate(s)
                if let e = box.error { throw e }
                if status != 0 { break }
                root = gsl_root_fsolver_root(s)
                let a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s)
                if gsl_root_test_interval(a, b, absoluteTolerance, relativeTolerance) == GSL_SUCCESS { break }
            }
            return root
        }
    }
}
