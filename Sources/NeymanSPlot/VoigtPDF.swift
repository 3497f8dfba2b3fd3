import CCerf
import Foundation
import NeymanStats

/// Voigt profile (formulas.md §5): a Breit-Wigner of full width `width` (Gamma, FWHM) convolved with a Gaussian of
/// standard deviation `sigma`, centred at `mean`. Parameters `mean`, `sigma`, `width`.
///
/// ```
///   g(m) = V(m - mean; sigma, gamma),  gamma = width / 2  (HWHM)
///   V(x; sigma, gamma) = Re w(z) / (sigma sqrt(2 pi)),  z = (x + i gamma) / (sigma sqrt 2),  w = Faddeeva function
///   w'(z) = -2 z w(z) + 2i / sqrt(pi)
///   dV/dx = Re w'(z) / (sigma sqrt(2 pi) sigma sqrt 2)         (dg/dmean = -dV/dx)
///   dV/dgamma = -Im w'(z) / (sigma sqrt(2 pi) sigma sqrt 2)    (dg/dwidth = dV/dgamma / 2)
///   dV/dsigma = -V/sigma - Re(w'(z) z) / (sigma sqrt(2 pi) sigma)
/// ```
/// `V` is libcerf's `voigt(x, sigma, gamma)`; `w` is libcerf's `w_of_z` (through the shim's `neyman_w_of_z`, both parts at once). There is no closed form
/// for the integral of `V` over a finite range: `I` and `dI/dsigma`, `dI/dwidth` come from GSL QAG (``Quadrature``),
/// cut at the peak and a few widths either side; `dI/dmean = V(lo - mean) - V(hi - mean)` exactly.
public struct VoigtPDF: ComponentPDF {
    public init() {}
    public var kind: String { "voigt" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        [ShapeParameter("mean", lower: range.lo, upper: range.hi),
         ShapeParameter("sigma", lower: 1e-3 * range.width, upper: range.width),
         ShapeParameter("width", lower: 1e-4 * range.width, upper: range.width)]
    }

    public func startingValues(_ s: StartingValues) -> [Double] {
        [s.mode, 0.6 * s.peakWidth / 2.3548, 0.4 * s.peakWidth]
    }

    @inlinable public func shape(_ m: Double, _ p: [Double]) -> Double { voigt(m - p[0], p[1], 0.5 * p[2]) }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let sigma = p[1], gamma = 0.5 * p[2]
        let s2 = sigma * 2.0.squareRoot()
        let c = 1 / (sigma * (2 * Double.pi).squareRoot())
        let u = (m - p[0]) / s2, v = gamma / s2
        var wr = 0.0, wi = 0.0
        neyman_w_of_z(u, v, &wr, &wi)
        // w'(z) = -2 z w + 2i/sqrt(pi)
        let dr = -2 * (u * wr - v * wi)
        let di = -2 * (u * wi + v * wr) + 2 / Double.pi.squareRoot()
        let value = c * wr
        gradient[0] = -c * dr / s2
        gradient[1] = -value / sigma - c * (dr * u - di * v) / sigma
        gradient[2] = -0.5 * c * di / s2
        return value
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let mean = p[0], sigma = p[1], gamma = 0.5 * p[2]
        let s = sigma + gamma
        let cuts = [mean - 20 * s, mean - 3 * s, mean, mean + 3 * s, mean + 20 * s]
        var g = [0.0, 0.0, 0.0]
        let i = Quadrature.integrate({ voigt($0 - mean, sigma, gamma) }, from: range.lo, to: range.hi, breakpoints: cuts)
        gradient[0] = voigt(range.lo - mean, sigma, gamma) - voigt(range.hi - mean, sigma, gamma)
        gradient[1] = Quadrature.integrate({ _ = shape($0, p, gradient: &g); return g[1] }, from: range.lo, to: range.hi, breakpoints: cuts)
        gradient[2] = Quadrature.integrate({ _ = shape($0, p, gradient: &g); return g[2] }, from: range.lo, to: range.hi, breakpoints: cuts)
        return i
    }
}
