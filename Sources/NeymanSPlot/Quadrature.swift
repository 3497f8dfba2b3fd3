@preconcurrency import CGSL
import NeymanCore

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
public enum Quadrature {
    /// The integral of `f` over `[a, b]`, the interval first cut at those `breakpoints` that lie strictly inside.
    public static func integrate(_ f: (Double) -> Double, from a: Double, to b: Double, breakpoints: [Double] = []) -> Double {
        GSLErrorHandling.ensureDisabled()
        var cuts = [a]
        for x in breakpoints.sorted() where x > a && x < b && x > cuts[cuts.count - 1] { cuts.append(x) }
        cuts.append(b)
        let limit = 256
        guard let workspace = gsl_integration_workspace_alloc(limit) else { return .nan }
        defer { gsl_integration_workspace_free(workspace) }
        return withoutActuallyEscaping(f) { f in
            let box = IntegrandBox(f)
            var total = 0.0
            for k in 0..<(cuts.count - 1) {
                var function = gsl_function(function: { x, p in
                    Unmanaged<IntegrandBox>.fromOpaque(p!).takeUnretainedValue().f(x)
                }, params: Unmanaged.passUnretained(box).toOpaque())
                var result = 0.0, error = 0.0
                _ = gsl_integration_qag(&function, cuts[k], cuts[k + 1], 1e-14 * (cuts[k + 1] - cuts[k]), 1e-11, limit,
                                        Int32(GSL_INTEG_GAUSS61), workspace, &result, &error)
                total += result
            }
            return total
        }
    }

    private final class IntegrandBox {
        let f: (Double) -> Double
        init(_ f: @escaping (Double) -> Double) { self.f = f }
    }
}
