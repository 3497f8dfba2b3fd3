import Foundation
import NeymanStats

/// Chebyshev polynomial background of degree `N` (1...6), parameters `c1` ... `cN`, with `c0 = 1` fixed:
///
/// ```
///   g(m) = 1 + sum_{k=1..N} c_k T_k(u),   u = 2 (m - lo)/(hi - lo) - 1  in [-1, 1]
///   T_0 = 1, T_1 = u, T_{k+1} = 2 u T_k - T_{k-1}
///   I    = (L/2) (2 + sum_{k even} c_k 2/(1 - k^2)),   L = hi - lo   (integral of T_k on [-1,1]: 0 for odd k)
///   dg/dc_k = T_k(u),   dI/dc_k = L/(1 - k^2) for even k, 0 for odd k
/// ```
/// `u` maps the range the pdf was built for onto `[-1, 1]`; the pdf is meant to be used on that range. Nothing keeps
/// `g` positive: coefficients are bounded to `[-2, 2]`, and a fit that wanders into negative densities at an event
/// sees a non-finite likelihood there and backs off.
public struct ChebyshevPDF: ComponentPDF {
    public let degree: Int
    public let domain: FitRange

    /// - Parameter degree: 1...6 (the caller checks; ``PDFCatalog`` does).
    public init(degree: Int, range: FitRange) {
        self.degree = degree
        self.domain = range
    }

    public var kind: String { "chebyshev:\(degree)" }

    public func parameters(range: FitRange) -> [ShapeParameter] {
        (1...degree).map { ShapeParameter("c\($0)", lower: -2, upper: 2) }
    }

    public func startingValues(_ s: StartingValues) -> [Double] {
        // An exponential with the sidebands' slope has end-to-end ratio e^{lambda L} = (1 + c1)/(1 - c1).
        [min(max(tanh(s.slope * s.range.width / 2), -0.9), 0.9)] + [Double](repeating: 0, count: degree - 1)
    }

    public func shape(_ m: Double, _ p: [Double]) -> Double {
        var t = [Double](repeating: 0, count: degree)
        return shape(m, p, gradient: &t)
    }

    @inlinable public func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double {
        let u = domain.unit(m)
        var previous = 1.0, current = u
        var g = 1 + p[0] * u
        gradient[0] = u
        var k = 1
        while k < degree {
            let next = 2 * u * current - previous
            previous = current
            current = next
            k += 1
            g += p[k - 1] * current
            gradient[k - 1] = current
        }
        return g
    }

    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double {
        // On the pdf's own domain: exact. (On another range, integrate the polynomial numerically.)
        guard range == domain else {
            var g = [Double](repeating: 0, count: degree)
            for k in 0..<degree {
                gradient[k] = Quadrature.integrate({ _ = shape($0, p, gradient: &g); return g[k] }, from: range.lo, to: range.hi)
            }
            return Quadrature.integrate({ shape($0, p) }, from: range.lo, to: range.hi)
        }
        let half = range.width / 2
        var i = 2.0
        for k in 1...degree {
            let t = k % 2 == 0 ? 2 / (1 - Double(k * k)) : 0
            i += p[k - 1] * t
            gradient[k - 1] = half * t
        }
        return half * i
    }
}
