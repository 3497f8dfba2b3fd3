import NeymanCore
import CCerf
import Foundation
import NeymanStats

/// Voigt profile (docs/formulas.md §5): a Breit-Wigner of full width `width` (Gamma, FWHM) convolved with a Gaussian of
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
/// for the integral of `V` over a finite range: `I` comes from GSL QAG (``Quadrature``), cut at the peak and a few
/// widths either side; its first and second derivatives are exact end-point expressions (see
/// ``integral(_:range:gradient:hessian:)``).
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

    /// Batch form: one Faddeeva evaluation `w(z)` per event gives the value and all first and second derivatives,
    /// with `w' = -2 z w + 2i/sqrt(pi)`, `w'' = -2 w - 2 z w'`, `c = 1/(sigma sqrt(2 pi))`, `s = sigma sqrt 2`:
    ///
    /// ```
    ///   d2V/dmean2        =  c Re w'' / s^2              d2V/dgamma2 = -c Re w'' / s^2
    ///   d2V/dmean dsigma  =  c (2 Re w' + Re(z w'')) / (s sigma)
    ///   d2V/dmean dgamma  =  c Im w'' / s^2
    ///   d2V/dsigma2       =  c (2 Re w + 4 Re(z w') + Re(z^2 w'')) / sigma^2
    ///   d2V/dsigma dgamma =  c (2 Im w' + Im(z w'')) / (s sigma)
    /// ```
    /// (`d/dwidth = d/dgamma / 2`). Without derivatives it is libcerf's `voigt` per event.
    public func shapes(_ masses: UnsafePointer<Double>, count: Int, _ p: [Double], values: UnsafeMutablePointer<Double>,
                       gradients: UnsafeMutablePointer<Double>?, hessians: UnsafeMutablePointer<Double>?) -> Bool {
        let mean = p[0], sigma = p[1], gamma = 0.5 * p[2]
        guard gradients != nil || hessians != nil else {
            for e in 0..<count { values[e] = voigt(masses[e] - mean, sigma, gamma) }
            return true
        }
        let s2 = sigma * 2.0.squareRoot()
        let c = 1 / (sigma * (2 * Double.pi).squareRoot())
        let v = gamma / s2
        let twoOverRootPi = 2 / Double.pi.squareRoot()
        let cs = c / s2, css = c / (s2 * s2), csg = c / (s2 * sigma), cgg = c / (sigma * sigma)
        for e in 0..<count {
            let u = (masses[e] - mean) / s2
            var wr = 0.0, wi = 0.0
            neyman_w_of_z(u, v, &wr, &wi)
            let w1r = -2 * (u * wr - v * wi), w1i = -2 * (u * wi + v * wr) + twoOverRootPi
            let zw1r = u * w1r - v * w1i
            values[e] = c * wr
            if let g = gradients {
                g[e] = -cs * w1r
                g[count + e] = -(c / sigma) * (wr + zw1r)
                g[2 * count + e] = -0.5 * cs * w1i
            }
            if let h = hessians {
                let zw1i = u * w1i + v * w1r
                let w2r = -2 * wr - 2 * zw1r, w2i = -2 * wi - 2 * zw1i
                let zw2r = u * w2r - v * w2i, zw2i = u * w2i + v * w2r
                let z2w2r = u * zw2r - v * zw2i
                let mm = css * w2r
                let ms = csg * (2 * w1r + zw2r)
                let mw = 0.5 * css * w2i
                let ss = cgg * (2 * wr + 4 * zw1r + z2w2r)
                let sw = 0.5 * csg * (2 * w1i + zw2i)
                let ww = -0.25 * css * w2r
                h[e] = mm; h[count + e] = ms; h[2 * count + e] = mw
                h[3 * count + e] = ms; h[4 * count + e] = ss; h[5 * count + e] = sw
                h[6 * count + e] = mw; h[7 * count + e] = sw; h[8 * count + e] = ww
            }
        }
        return true
    }

    /// `I` by QAG; its derivatives exactly from the end points `[F] = F(hi - mean) - F(lo - mean)`, because `V` solves
    /// the heat equation in `sigma` (`dV/dsigma = sigma d2V/dx2`) and `w` is analytic in `x + i gamma`
    /// (`dV/dgamma = -d(c Im w)/dx`):
    ///
    /// ```
    ///   dI/dmean = -[V],   dI/dsigma = sigma [V_x],   dI/dgamma = -[c Im w]
    ///   d2I/dmean dq = -[dV/dq]  (q = mean, sigma, gamma)
    ///   d2I/dsigma2  = [V_x] + sigma [dV_x/dsigma],   d2I/dsigma dgamma = sigma [dV_x/dgamma],   d2I/dgamma2 = -[V_x]
    /// ```
    /// with `V_x = dV/dx = -dV/dmean` (`d/dwidth = d/dgamma / 2`).
    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double], hessian: inout [Double]) -> Double? {
        let mean = p[0], sigma = p[1], gamma = 0.5 * p[2]
        let s = sigma + gamma
        let cuts = [mean - 20 * s, mean - 3 * s, mean, mean + 3 * s, mean + 20 * s]
        let i = Quadrature.integrate({ voigt($0 - mean, sigma, gamma) }, from: range.lo, to: range.hi, breakpoints: cuts)
        let c = 1 / (sigma * (2 * Double.pi).squareRoot())
        // The end points' value, gradient and Hessian of V (mean, sigma, width), and c Im w.
        let ends = [range.lo, range.hi]
        var value = [0.0, 0.0], grad = [Double](repeating: 0, count: 6), hess = [Double](repeating: 0, count: 18)
        var cImW = [0.0, 0.0]
        ends.withUnsafeBufferPointer { m in
            _ = shapes(m.firstAddress, count: 2, p, values: &value, gradients: &grad, hessians: &hess)
        }
        let s2 = sigma * 2.0.squareRoot()
        for b in 0..<2 {
            var wr = 0.0, wi = 0.0
            neyman_w_of_z((ends[b] - mean) / s2, gamma / s2, &wr, &wi)
            cImW[b] = c * wi
        }
        func d(_ a: [Double], _ k: Int) -> Double { a[2 * k + 1] - a[2 * k] }  // [F_k]
        // V_x = -dV/dmean; dV_x/dsigma = -d2V/dmean dsigma; dV_x/dgamma = -2 d2V/dmean dwidth.
        let vx = -d(grad, 0)
        gradient[0] = -(value[1] - value[0])
        gradient[1] = sigma * vx
        gradient[2] = -0.5 * (cImW[1] - cImW[0])
        let mIdx = [0, 1, 2]
        for q in mIdx { hessian[q] = -d(grad, q); hessian[3 * q] = hessian[q] }
        hessian[4] = vx - sigma * d(hess, 1)
        let sg = -sigma * 2 * d(hess, 2)  // d2I/dsigma dgamma
        hessian[5] = 0.5 * sg; hessian[7] = 0.5 * sg
        hessian[8] = -0.25 * vx
        return i
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        var h = [Double](repeating: 0, count: 9)
        return integral(p, range: range, gradient: &gradient, hessian: &h) ?? .nan
    }
}
