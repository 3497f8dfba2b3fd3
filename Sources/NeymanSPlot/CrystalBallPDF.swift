@preconcurrency import CGSL
import Foundation
import NeymanStats

/// Crystal Ball: a Gaussian core with a power-law tail on the low side (`crystalball`, parameters `mean`, `sigma`,
/// `alpha`, `n`) or on both sides (`crystalball2`, adding `alpha2`, `n2` for the high side). With `t = (m - mean)/sigma`:
///
/// ```
///   h(t) = A (B - t)^-n             t < -alpha        A = (n/alpha)^n exp(-alpha^2/2),  B = n/alpha - alpha
///        = exp(-t^2/2)              -alpha <= t <= alpha2
///        = A2 (B2 + t)^-n2          t > alpha2         (two-sided only; A2, B2 as A, B with alpha2, n2)
///   g(m) = h((m - mean)/sigma)
/// ```
/// `h` and `dh/dt` are continuous at the joins. The integral is analytic piece by piece:
/// core `sqrt(2 pi) (Phi(t2) - Phi(t1))` (gsl_cdf_ugaussian_P), low tail
/// `A ((B - t2)^(1-n) - (B - t1)^(1-n)) / (1 - n)` (the `n -> 1` limit, a logarithm, taken smoothly with `expm1`), and
/// `I = sigma (low + core + high)`. Gradient of `I`: `dI/dmean = g(lo) - g(hi)`,
/// `dI/dsigma = I/sigma + a h(a) - b h(b)` (a, b the range ends in t); for the tail parameters the joins' terms
/// cancel (h is continuous), leaving `sigma * integral of dh/dalpha` over the tail piece, done by GSL QAG.
public struct CrystalBallPDF: ComponentPDF {
    public let twoSided: Bool

    public init(twoSided: Bool = false) { self.twoSided = twoSided }
    public var kind: String { twoSided ? "crystalball2" : "crystalball" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        var p = [ShapeParameter("mean", lower: range.lo, upper: range.hi),
                 ShapeParameter("sigma", lower: 1e-3 * range.width, upper: range.width),
                 ShapeParameter("alpha", lower: 0.05, upper: 10),
                 ShapeParameter("n", lower: 1.01, upper: 100)]
        if twoSided { p += [ShapeParameter("alpha2", lower: 0.05, upper: 10), ShapeParameter("n2", lower: 1.01, upper: 100)] }
        return p
    }

    public func startingValues(_ s: StartingValues) -> [Double] {
        [s.mode, s.peakWidth / 2.3548, 1.5, 3] + (twoSided ? [1.5, 3] : [])
    }

    // MARK: - The shape in t

    /// `ln A - n ln(B + s t)` of a tail, with `s = -1` (low) or `+1` (high).
    @inline(__always) static func logTail(_ t: Double, alpha: Double, n: Double, side: Double) -> Double {
        n * log(n / alpha) - 0.5 * alpha * alpha - n * log(n / alpha - alpha + side * t)
    }

    /// `h(t)`, `dh/dt`, and the derivatives with respect to the tail's (alpha, n) (zero in the core); `tail` says
    /// which piece t is in (-1 low, 0 core, +1 high).
    @inline(__always) func pieces(_ t: Double, _ p: [Double]) -> (h: Double, dt: Double, dAlpha: Double, dN: Double, tail: Int) {
        if t < -p[2] { return Self.tailPieces(t, alpha: p[2], n: p[3], side: -1, tail: -1) }
        if twoSided && t > p[4] { return Self.tailPieces(t, alpha: p[4], n: p[5], side: 1, tail: 1) }
        let h = exp(-0.5 * t * t)
        return (h, -t * h, 0, 0, 0)
    }

    @inline(__always) static func tailPieces(_ t: Double, alpha: Double, n: Double, side: Double, tail: Int)
        -> (h: Double, dt: Double, dAlpha: Double, dN: Double, tail: Int) {
        let d = n / alpha - alpha + side * t  // B + s t > 0 on the tail
        let h = exp(logTail(t, alpha: alpha, n: n, side: side))
        let dAlpha = h * (-n / alpha - alpha + n * (n / (alpha * alpha) + 1) / d)
        let dN = h * (log(n / alpha) + 1 - log(d) - n / (alpha * d))
        return (h, -side * n * h / d, dAlpha, dN, tail)
    }

    public func shape(_ m: Double, _ p: [Double]) -> Double { pieces((m - p[0]) / p[1], p).h }

    public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let t = (m - p[0]) / p[1]
        let q = pieces(t, p)
        for k in gradient.indices { gradient[k] = 0 }
        gradient[0] = -q.dt / p[1]
        gradient[1] = -t * q.dt / p[1]
        if q.tail == -1 { gradient[2] = q.dAlpha; gradient[3] = q.dN }
        if q.tail == 1 { gradient[4] = q.dAlpha; gradient[5] = q.dN }
        return q.h
    }

    // MARK: - Integral

    /// Integral of a tail `A (B + s t)^-n` over `[t1, t2]` in t.
    static func tailIntegral(_ t1: Double, _ t2: Double, alpha: Double, n: Double, side: Double) -> Double {
        guard t2 > t1 else { return 0 }
        // With x = B + s t at the two ends: A (x_far^(1-n) - x_near^(1-n)) / ((1-n) s) in a form that stays exact as n -> 1.
        let b = n / alpha - alpha
        let lnA = n * log(n / alpha) - 0.5 * alpha * alpha
        let l1 = log(b + side * t1), l2 = log(b + side * t2)
        let e = 1 - n
        // integral = A/(s e) (x2^e - x1^e) = A/(s e) x1^e expm1(e (l2 - l1))
        let core = abs(e) < 1e-14 ? (l2 - l1) : expm1(e * (l2 - l1)) / e
        return exp(lnA + e * l1) * core / side
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        let mean = p[0], sigma = p[1], alpha = p[2], n = p[3]
        let a = (range.lo - mean) / sigma, b = (range.hi - mean) / sigma
        let coreLo = max(a, -alpha)
        let coreHi = twoSided ? min(b, p[4]) : b
        var j = 0.0
        if coreHi > coreLo {
            j += (2 * Double.pi).squareRoot() * (gsl_cdf_ugaussian_P(coreHi) - gsl_cdf_ugaussian_P(coreLo))
        }
        j += Self.tailIntegral(a, min(b, -alpha), alpha: alpha, n: n, side: -1)
        if twoSided { j += Self.tailIntegral(max(a, p[4]), b, alpha: p[4], n: p[5], side: 1) }
        let i = sigma * j
        let ha = pieces(a, p).h, hb = pieces(b, p).h
        for k in gradient.indices { gradient[k] = 0 }
        gradient[0] = ha - hb
        gradient[1] = i / sigma + a * ha - b * hb
        if a < -alpha {
            let hi = min(b, -alpha)
            gradient[2] = sigma * Quadrature.integrate({ Self.tailPieces($0, alpha: alpha, n: n, side: -1, tail: -1).dAlpha }, from: a, to: hi)
            gradient[3] = sigma * Quadrature.integrate({ Self.tailPieces($0, alpha: alpha, n: n, side: -1, tail: -1).dN }, from: a, to: hi)
        }
        if twoSided && b > p[4] {
            let lo = max(a, p[4])
            gradient[4] = sigma * Quadrature.integrate({ Self.tailPieces($0, alpha: p[4], n: p[5], side: 1, tail: 1).dAlpha }, from: lo, to: b)
            gradient[5] = sigma * Quadrature.integrate({ Self.tailPieces($0, alpha: p[4], n: p[5], side: 1, tail: 1).dN }, from: lo, to: b)
        }
        return i
    }
}
