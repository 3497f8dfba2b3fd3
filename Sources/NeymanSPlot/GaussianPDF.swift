@preconcurrency import CGSL
import Foundation

/// Gaussian peak, parameters `mean`, `sigma`:
///
/// ```
///   g(m) = exp(-t^2 / 2),   t = (m - mean) / sigma
///   I    = sigma sqrt(2 pi) (Phi(b) - Phi(a)),   a = (lo - mean)/sigma,  b = (hi - mean)/sigma
///   dI/dmean  = exp(-a^2/2) - exp(-b^2/2)
///   dI/dsigma = I/sigma + a exp(-a^2/2) - b exp(-b^2/2)
/// ```
/// `Phi(b) - Phi(a)` comes from `gsl_cdf_ugaussian_P` (or `_Q` when both ends lie above the mean, so that far tails
/// keep their relative precision).
public struct GaussianPDF: ComponentPDF {
    public init() {}
    public var kind: String { "gauss" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        [ShapeParameter("mean", lower: range.lo, upper: range.hi),
         ShapeParameter("sigma", lower: 1e-3 * range.width, upper: range.width)]
    }

    public func startingValues(_ s: StartingValues) -> [Double] { [s.mode, s.peakWidth / 2.3548] }

    @inlinable public func shape(_ m: Double, _ p: [Double]) -> Double {
        let t = (m - p[0]) / p[1]
        return exp(-0.5 * t * t)
    }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let t = (m - p[0]) / p[1]
        let g = exp(-0.5 * t * t)
        gradient[0] = g * t / p[1]
        gradient[1] = g * t * t / p[1]
        return g
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let (mean, sigma) = (p[0], p[1])
        let a = (range.lo - mean) / sigma, b = (range.hi - mean) / sigma
        let mass = a > 0 ? gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b) : gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a)
        let i = sigma * (2 * Double.pi).squareRoot() * mass
        let ea = exp(-0.5 * a * a), eb = exp(-0.5 * b * b)
        gradient[0] = ea - eb
        gradient[1] = i / sigma + a * ea - b * eb
        return i
    }
}
