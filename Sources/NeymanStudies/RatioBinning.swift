import Foundation
import NeymanCore
import NeymanStats

/// Bins in the per-event likelihood ratio `r = p_S/p_B` of the bump-hunt model at one global sigma, with the exact
/// expected signal and background fractions of every bin (guide §3.2, fig. 4; docs/formulas.md §3).
///
/// `r(y) = WN(y; w)`, `w = sqrt(2) sigma`, is symmetric and decreasing in `|y|`, so `r > c` is the interval
/// `|y| < y_c` with `WN(y_c; w) = c` (found with GSL's Brent solver); then `P_B(r > c) = 2 y_c` and
/// `P_S(r > c) = F(y_c) - F(-y_c)` with the wrapped-normal CDF.
public struct RatioBinning: Sendable {
    /// Lower bin edges in `r`, increasing; the last bin extends to `+inf` (overflow merged into it). Events with
    /// `r` below the first edge are not used (a cut).
    public let edges: [Double]
    /// Expected signal and background fractions per bin.
    public let signalFractions: [Double]
    public let backgroundFractions: [Double]

    /// - Throws: if the edges are not increasing and non-negative.
    public init(edges: [Double], sigma: Double) throws {
        guard !edges.isEmpty, edges.allSatisfy({ $0 >= 0 && $0.isFinite }), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw NeymanError.invalid("ratio bin edges must be non-negative, finite and increasing (got \(edges))")
        }
        self.edges = edges
        let above = try edges.map { try RatioBinning.fractionsAbove($0, sigma: sigma) } + [(signal: 0.0, background: 0.0)]
        signalFractions = (0..<edges.count).map { above[$0].signal - above[$0 + 1].signal }
        backgroundFractions = (0..<edges.count).map { above[$0].background - above[$0 + 1].background }
    }

    /// `P_S(r > c)` and `P_B(r > c)` for the exact ratio at resolution `sigma`.
    public static func fractionsAbove(_ c: Double, sigma: Double) throws -> (signal: Double, background: Double) {
        let w = 2.0.squareRoot() * sigma
        let peak = WrappedNormal.density(0, width: w), floor = WrappedNormal.density(0.5, width: w)
        if c >= peak { return (0, 0) }
        if c <= floor { return (1, 1) }
        let yc = try RootFinding.brent(lo: 0, hi: 0.5) { WrappedNormal.density($0, width: w) - c }
        return (WrappedNormal.cdf(yc, width: w) - WrappedNormal.cdf(-yc, width: w), 2 * yc)
    }

    /// The bin of ratio `r`, or `nil` below the first edge.
    @inlinable public func bin(_ r: Double) -> Int? {
        guard r >= edges[0] else { return nil }
        var lo = 0, hi = edges.count - 1
        while lo < hi {
            let m = (lo + hi + 1) / 2
            if r >= edges[m] { lo = m } else { hi = m - 1 }
        }
        return lo
    }

    /// The binned log-likelihood ratio of `mu = 1` to `mu = 0` up to a constant:
    /// `T = sum_k n_k ln(1 + S_k / B_k)` with `S_k = S f^S_k`, `B_k = B f^B_k` (bins without signal contribute nothing).
    public func statistic(ratios: [Double], signal s: Double, background b: Double) -> Double {
        var counts = [Double](repeating: 0, count: edges.count)
        for r in ratios { if let k = bin(r) { counts[k] += 1 } }
        var t = 0.0
        for k in 0..<edges.count where signalFractions[k] > 0 && backgroundFractions[k] > 0 {
            t += counts[k] * log1p(s * signalFractions[k] / (b * backgroundFractions[k]))
        }
        return t
    }
}
