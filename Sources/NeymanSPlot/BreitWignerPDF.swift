@preconcurrency import CGSL
import Foundation

/// Non-relativistic Breit-Wigner (Cauchy) of full width at half maximum `width`, parameters `mean`, `width`:
///
/// ```
///   g(m) = 1 / ((m - mean)^2 + gamma^2),   gamma = width / 2
///   I    = (pi / gamma) (P(hi - mean) - P(lo - mean)),   P = Cauchy CDF of scale gamma (gsl_cdf_cauchy_P)
///   dI/dmean  = g(lo) - g(hi)
///   dI/dgamma = -I/gamma - (B/(gamma^2 + B^2) - A/(gamma^2 + A^2)) / gamma,   A = lo - mean, B = hi - mean
/// ```
public struct BreitWignerPDF: ComponentPDF {
    public init() {}
    public var kind: String { "breitwigner" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        [ShapeParameter("mean", lower: range.lo, upper: range.hi),
         ShapeParameter("width", lower: 1e-3 * range.width, upper: range.width)]
    }

    public func startingValues(_ s: StartingValues) -> [Double] { [s.mode, s.peakWidth] }

    @inlinable public func shape(_ m: Double, _ p: [Double]) -> Double {
        let x = m - p[0], gamma = 0.5 * p[1]
        return 1 / (x * x + gamma * gamma)
    }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let x = m - p[0], gamma = 0.5 * p[1]
        let g = 1 / (x * x + gamma * gamma)
        gradient[0] = 2 * x * g * g
        gradient[1] = -gamma * g * g
        return g
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let gamma = 0.5 * p[1]
        let a = range.lo - p[0], b = range.hi - p[0]
        // Upper tail probabilities when both ends lie above the peak: no cancellation between two numbers near 1.
        let mass = a > 0 ? gsl_cdf_cauchy_Q(a, gamma) - gsl_cdf_cauchy_Q(b, gamma)
                         : gsl_cdf_cauchy_P(b, gamma) - gsl_cdf_cauchy_P(a, gamma)
        let i = Double.pi / gamma * mass
        gradient[0] = 1 / (a * a + gamma * gamma) - 1 / (b * b + gamma * gamma)
        let dGamma = -i / gamma - (b / (gamma * gamma + b * b) - a / (gamma * gamma + a * a)) / gamma
        gradient[1] = 0.5 * dGamma
        return i
    }
}
