@preconcurrency import CGSL
import Foundation

/// Exponential background `exp(slope * m)`, parameter `slope` (lambda, per unit of m), written relative to the lower
/// end of the range so that nothing overflows:
///
/// ```
///   g(m) = exp(lambda (m - lo)),   x = lambda L,  L = hi - lo
///   I    = L exprel(x)                         exprel(x) = (e^x - 1)/x       (gsl_sf_exprel)
///   dI/dlambda = L^2 e^x exprel_2(-x) / 2      exprel_2(y) = 2(e^y - 1 - y)/y^2   (gsl_sf_exprel_2)
/// ```
/// both exact at `lambda = 0` (a flat background). Normalised, this is the reference's
/// `lambda e^{lambda (m - lo)} / (e^{lambda L} - 1)`.
public struct ExponentialPDF: ComponentPDF {
    /// The origin of `m - lo`: the lower end of the range the pdf is used on.
    public let origin: Double

    public init(range: FitRange) { origin = range.lo }
    public var kind: String { "exponential" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        [ShapeParameter("slope", lower: -50 / range.width, upper: 50 / range.width)]
    }

    public func startingValues(_ s: StartingValues) -> [Double] {
        [min(max(s.slope, -10 / s.range.width), 10 / s.range.width)]
    }

    @inlinable public func shape(_ m: Double, _ p: [Double]) -> Double { exp(p[0] * (m - origin)) }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let g = exp(p[0] * (m - origin))
        gradient[0] = (m - origin) * g
        return g
    }

    /// Batch: `g = e^{lambda t}`, `dg = t g`, `d2g = t^2 g`, `t = m - origin`.
    public func shapes(_ masses: UnsafePointer<Double>, count: Int, _ p: [Double], values: UnsafeMutablePointer<Double>,
                       gradients: UnsafeMutablePointer<Double>?, hessians: UnsafeMutablePointer<Double>?) -> Bool {
        let lambda = p[0], o = origin
        for e in 0..<count {
            let t = masses[e] - o
            let g = exp(lambda * t)
            values[e] = g
            gradients?[e] = t * g
            hessians?[e] = t * t * g
        }
        return true
    }

    /// `I`, `dI/dlambda` and `d2I/dlambda2` with `J_n = integral_0^L t^n e^{lambda t} dt = L^{n+1} e^x exprel_{n+1}(-x) / (n+1)`
    /// (`gsl_sf_exprel_n`) and `d = lo - origin`: `I = s J_0`, `I' = s (J_1 + d J_0)`, `I'' = s (J_2 + 2 d J_1 + d^2 J_0)`,
    /// `s = e^{lambda d}`.
    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double], hessian: inout [Double]) -> Double? {
        let length = range.width
        let x = p[0] * length
        let d = range.lo - origin
        let shift = exp(p[0] * d)
        let j0 = length * gsl_sf_exprel(x)
        let j1 = length * length * exp(x) * gsl_sf_exprel_2(-x) / 2
        let j2 = length * length * length * exp(x) * gsl_sf_exprel_n(3, -x) / 3
        gradient[0] = shift * (j1 + d * j0)
        hessian[0] = shift * (j2 + 2 * d * j1 + d * d * j0)
        return shift * j0
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let length = range.width
        let x = p[0] * length
        // The general case: a range that does not start at the origin multiplies everything by exp(lambda (lo - origin)).
        let shift = exp(p[0] * (range.lo - origin))
        let i = length * gsl_sf_exprel(x)
        gradient[0] = shift * (length * length * exp(x) * gsl_sf_exprel_2(-x) / 2 + (range.lo - origin) * i)
        return shift * i
    }
}
