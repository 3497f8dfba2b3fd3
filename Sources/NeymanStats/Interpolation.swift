import Foundation

/// pyhf / HistFactory interpolation code 4 for normalisation systematics (`normsys`):
///
/// ```
///   f(alpha) = hi^alpha                          alpha >=  1
///            = lo^(-alpha)                       alpha <= -1
///            = 1 + sum_{i=1..6} a_i alpha^i      |alpha| < 1
/// ```
/// where the six `a_i` make `f` match the exponential pieces in value, first and second derivative at
/// `alpha = +-1` (a 6x6 linear system, solved once when the modifier is built). `hi`, `lo` are the relative
/// yields at `alpha = +1, -1` (pyhf's `normsys` `data: {hi, lo}`); both must be positive.
public struct NormsysInterpolation: Sendable, Equatable {
    public let hi: Double
    public let lo: Double
    /// `a_1 ... a_6`.
    public let coefficients: [Double]

    /// Returns `nil` if `hi` or `lo` is not positive.
    public init?(hi: Double, lo: Double) {
        guard hi > 0, lo > 0, hi.isFinite, lo.isFinite else { return nil }
        self.hi = hi
        self.lo = lo
        // Rows: p(1), p(-1), p'(1), p'(-1), p''(1), p''(-1) for p = sum a_i alpha^i (the constant 1 moved right).
        var a = [Double](repeating: 0, count: 36)
        for i in 1...6 {
            let di = Double(i)
            a[0 * 6 + i - 1] = 1
            a[1 * 6 + i - 1] = pow(-1, di)
            a[2 * 6 + i - 1] = di
            a[3 * 6 + i - 1] = di * pow(-1, di - 1)
            a[4 * 6 + i - 1] = di * (di - 1)
            a[5 * 6 + i - 1] = di * (di - 1) * pow(-1, di - 2)
        }
        let lh = log(hi), ll = log(lo)
        let rhs = [hi - 1, lo - 1, hi * lh, -lo * ll, hi * lh * lh, lo * ll * ll]
        guard let c = LinearSolve.solve(a, rhs, n: 6) else { return nil }
        coefficients = c
    }

    /// `f(alpha)`.
    @inlinable public func factor(_ alpha: Double) -> Double {
        if alpha >= 1 { return pow(hi, alpha) }
        if alpha <= -1 { return pow(lo, -alpha) }
        var p = 0.0
        var x = 1.0
        for c in coefficients { x *= alpha; p += c * x }
        return 1 + p
    }

    /// `df/dalpha`.
    @inlinable public func derivative(_ alpha: Double) -> Double {
        if alpha >= 1 { return pow(hi, alpha) * log(hi) }
        if alpha <= -1 { return -pow(lo, -alpha) * log(lo) }
        var d = 0.0
        var x = 1.0
        for (i, c) in coefficients.enumerated() { d += Double(i + 1) * c * x; x *= alpha }
        return d
    }
}

/// pyhf / HistFactory interpolation code 4p for shape systematics (`histosys`), additive per bin:
///
/// ```
///   Delta(alpha) = (up - nominal) alpha                                alpha >  1
///                = (nominal - down) alpha                              alpha < -1
///                = alpha (S + alpha A (15 + alpha^2 (3 alpha^2 - 10)))  |alpha| <= 1
///   S = ((up - nominal) + (nominal - down)) / 2,  A = ((up - nominal) - (nominal - down)) / 16
/// ```
/// continuous with continuous first and second derivatives at `|alpha| = 1`.
public enum HistosysInterpolation {
    /// `Delta(alpha)`.
    @inlinable public static func delta(_ alpha: Double, nominal: Double, up: Double, down: Double) -> Double {
        let du = up - nominal, dd = nominal - down
        if alpha > 1 { return du * alpha }
        if alpha < -1 { return dd * alpha }
        let s = 0.5 * (du + dd), a = 0.0625 * (du - dd)
        let a2 = alpha * alpha
        return alpha * (s + alpha * a * (15 + a2 * (3 * a2 - 10)))
    }

    /// `dDelta/dalpha`.
    @inlinable public static func derivative(_ alpha: Double, nominal: Double, up: Double, down: Double) -> Double {
        let du = up - nominal, dd = nominal - down
        if alpha > 1 { return du }
        if alpha < -1 { return dd }
        let s = 0.5 * (du + dd), a = 0.0625 * (du - dd)
        let a2 = alpha * alpha
        // d/dalpha [ s alpha + a (15 alpha^2 - 10 alpha^4 + 3 alpha^6) ]
        return s + a * (30 * alpha - 40 * a2 * alpha + 18 * a2 * a2 * alpha)
    }
}
