import CGSL
import Foundation
import NeymanCore

/// Adaptive numerical integration with GSL's QAG (Gauss-Kronrod 21-point rule, `gsl_integration_qag`).
public enum Quadrature {
    /// `integral_a^b f(x) dx` to `|error| <= max(absoluteTolerance, relativeTolerance * |result|)`.
    /// - Throws: an error thrown by `f`; a numerical failure when GSL cannot reach the tolerance (it says which
    ///   GSL status) or the interval is not finite.
    public static func integrate(_ f: (Double) throws -> Double, over range: ClosedRange<Double>,
                                 absoluteTolerance: Double = 0, relativeTolerance: Double = 1e-10,
                                 limit: Int = 1000) throws -> Double {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else {
            throw NeymanError.invalid("integration range must be finite (got \(range.lowerBound)...\(range.upperBound))")
        }
        if range.lowerBound == range.upperBound { return 0 }
        GSLErrorHandling.ensureDisabled()
        final class Box { var f: (Double) throws -> Double; var error: Error?; init(_ f: @escaping (Double) throws -> Double) { self.f = f } }
        return try withoutActuallyEscaping(f) { f in
            let box = Box(f)
            var function = gsl_function(function: { x, p in
                let b = Unmanaged<Box>.fromOpaque(p!).takeUnretainedValue()
                if b.error != nil { return 0 }
                do { return try b.f(x) } catch { b.error = error; return 0 }
            }, params: Unmanaged.passUnretained(box).toOpaque())
            guard let ws = gsl_integration_workspace_alloc(limit) else {
                throw NeymanError.numericalFailure("cannot allocate the integration workspace")
            }
            defer { gsl_integration_workspace_free(ws) }
            var result = 0.0, error = 0.0
            let status = gsl_integration_qag(&function, range.lowerBound, range.upperBound, absoluteTolerance, relativeTolerance,
                                             limit, Int32(GSL_INTEG_GAUSS21), ws, &result, &error)
            if let e = box.error { throw e }
            guard status == GSL_SUCCESS else {
                throw NeymanError.numericalFailure("QAG integration over [\(range.lowerBound), \(range.upperBound)] failed: "
                                                   + String(cString: gsl_strerror(status)) + " (estimate \(result) ± \(error))")
            }
            return result
        }
    }
}
