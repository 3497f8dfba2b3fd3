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
        return try withGSLFunction(f, failureValue: 0) { function, pendingError in
            guard let ws = gsl_integration_workspace_alloc(limit) else {
                throw NeymanError.numericalFailure("cannot allocate the integration workspace")
            }
            defer { gsl_integration_workspace_free(ws) }
            var result = 0.0, error = 0.0
            let status = gsl_integration_qag(&function, range.lowerBound, range.upperBound, absoluteTolerance, relativeTolerance,
                                             limit, Int32(GSL_INTEG_GAUSS21), ws, &result, &error)
            if let e = pendingError() { throw e }
            guard status == GSL_SUCCESS else {
                throw NeymanError.numericalFailure("QAG integration over [\(range.lowerBound), \(range.upperBound)] failed: "
                                                   + String(cString: gsl_strerror(status)) + " (estimate \(result) ± \(error))")
            }
            return result
        }
    }

    /// Definite integrals by GSL's adaptive Gauss-Kronrod quadrature (`gsl_integration_qag`, 61-point rule), for the
    /// normalisation of shapes without an analytic CDF.
    ///
    /// A narrow peak on a wide range can fall between the nodes of the first Kronrod panel, and QAG would then
    /// report a wrong integral with a small error estimate. So the interval is first cut at `breakpoints` (for a peak:
    /// its position and a few widths either side) and each piece is integrated on its own.
    ///
    /// Accuracy: relative `1e-11` per piece (absolute `1e-14` times the piece's width), at most 256 subintervals.
    /// A piece where GSL reports a failure (`GSL_EROUND`, `GSL_EMAXITER`) still contributes GSL's best estimate
    /// (the GSL error handler is off, see `GSLErrorHandling`).
    ///
    /// The integral of `f` over `[a, b]`, the interval first cut at those `breakpoints` that lie strictly inside.
    public static func integrate(_ f: (Double) -> Double, from a: Double, to b: Double, breakpoints: [Double] = []) -> Double {
        GSLErrorHandling.ensureDisabled()
        var cuts = [a]
        for x in breakpoints.sorted() where x > a && x < b && x > cuts[cuts.count - 1] { cuts.append(x) }
        cuts.append(b)
        let limit = 256
        guard let workspace = gsl_integration_workspace_alloc(limit) else { return .nan }
        defer { gsl_integration_workspace_free(workspace) }
        // `f` cannot throw, so neither can the wrapper; `?? .nan` is never taken.
        return (try? withGSLFunction(f) { function, _ in
            var total = 0.0
            for k in 0..<(cuts.count - 1) {
                var result = 0.0, error = 0.0
                _ = gsl_integration_qag(&function, cuts[k], cuts[k + 1], 1e-14 * (cuts[k + 1] - cuts[k]), 1e-11, limit,
                                        Int32(GSL_INTEG_GAUSS61), workspace, &result, &error)
                total += result
            }
            return total
        }) ?? .nan
    }
}
