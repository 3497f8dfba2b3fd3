import Foundation
import NeymanStats

/// Relativistic Breit-Wigner with a constant width, parameters `mean` (the pole mass M) and `width` (Gamma):
///
/// ```
///   g(m) = 1 / ((m^2 - M^2)^2 + M^2 Gamma^2)
///   dg/dM     = g^2 (4 M (m^2 - M^2) - 2 M Gamma^2)
///   dg/dGamma = -2 M^2 Gamma g^2
/// ```
/// (the constant `k` of the usual normalised form drops out on division by `I`). `I` and `dI/dM`, `dI/dGamma` come
/// from GSL QAG (``Quadrature``), cut at the pole and a few widths either side.
public struct RelativisticBreitWignerPDF: ComponentPDF {
    public init() {}
    public var kind: String { "relbreitwigner" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        [ShapeParameter("mean", lower: max(range.lo, 1e-6 * range.width), upper: range.hi),
         ShapeParameter("width", lower: 1e-3 * range.width, upper: range.width)]
    }

    public func startingValues(_ s: StartingValues) -> [Double] { [s.mode, s.peakWidth] }

    @inlinable public func shape(_ m: Double, _ p: [Double]) -> Double {
        let mm = p[0] * p[0], d = m * m - mm
        return 1 / (d * d + mm * p[1] * p[1])
    }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let mass = p[0], width = p[1]
        let mm = mass * mass, d = m * m - mm
        let g = 1 / (d * d + mm * width * width)
        gradient[0] = g * g * (4 * mass * d - 2 * mass * width * width)
        gradient[1] = -2 * mm * width * g * g
        return g
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let mass = p[0], width = p[1]
        let cuts = [mass - 20 * width, mass - 3 * width, mass, mass + 3 * width, mass + 20 * width]
        var g = [0.0, 0.0]
        let i = Quadrature.integrate({ shape($0, p) }, from: range.lo, to: range.hi, breakpoints: cuts)
        gradient[0] = Quadrature.integrate({ _ = shape($0, p, gradient: &g); return g[0] }, from: range.lo, to: range.hi, breakpoints: cuts)
        gradient[1] = Quadrature.integrate({ _ = shape($0, p, gradient: &g); return g[1] }, from: range.lo, to: range.hi, breakpoints: cuts)
        return i
    }
}
