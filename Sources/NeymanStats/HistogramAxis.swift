import Foundation
import NeymanCore

/// One axis of a histogram: `K >= 1` bins given by `K + 1` finite, strictly increasing edges.
///
/// ```
///    below     bin 0      bin 1           bin K-1       above
///   ------|----------|-----------|-- ... --|-----------|------
///        e_0        e_1         e_2     e_{K-1}       e_K
///   bin k = [e_k, e_{k+1})  for k < K - 1,   bin K-1 = [e_{K-1}, e_K]  (closed: numpy.histogram's convention)
/// ```
///
/// Bins may have different widths; ``width(ofBin:)`` gives `e_{k+1} - e_k` so that densities (counts per unit
/// of `x`) can be formed. ``locate(_:)`` is a binary search over the edges, `O(log K)`, and agrees with
/// `numpy.histogram(x, bins=edges)` for every finite `x`.
///
/// See also: ``HistogramReweighting``.
public struct HistogramAxis: Sendable, Equatable {
    /// Where a value falls relative to the axis.
    public enum Position: Sendable, Equatable {
        /// `x < e_0`.
        case below
        /// `x` is in bin `k` (0-based).
        case inside(Int)
        /// `x > e_K` (or NaN).
        case above
    }

    /// The `K + 1` bin edges, finite and strictly increasing.
    public let edges: [Double]

    /// An axis from explicit edges.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` (parameter `edges`) for fewer than 2 edges, a non-finite edge,
    ///   or edges that are not strictly increasing (naming the first offending pair).
    public init(edges: [Double]) throws {
        guard edges.count >= 2 else {
            throw NeymanError.invalid("\(edges.count) bin edge(s); an axis needs at least 2 (one bin)", parameter: "edges")
        }
        if let i = edges.firstIndex(where: { !$0.isFinite }) {
            throw NeymanError.invalid("edge \(i) (0-based) is \(edges[i]); edges must be finite", parameter: "edges")
        }
        for k in 1..<edges.count where !(edges[k] > edges[k - 1]) {
            throw NeymanError.invalid("edges must increase strictly, but edge \(k) (0-based) = \(edges[k]) follows "
                                      + "\(edges[k - 1])", parameter: "edges")
        }
        self.edges = edges
    }

    /// `bins` equal bins over `[lower, upper]`: edges `e_k = lower + (upper - lower) k / bins`, with `e_K = upper`
    /// exactly.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for `bins < 1`, non-finite or non-increasing bounds, or a range
    ///   too narrow for `bins` distinct edges in `Double`.
    public init(bins: Int, lower: Double, upper: Double) throws {
        guard bins >= 1 else { throw NeymanError.invalid("must be at least 1, got \(bins)", parameter: "bins") }
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw NeymanError.invalid("the range [\(lower), \(upper)] must be finite with lower < upper", parameter: "range")
        }
        var e = (0...bins).map { lower + (upper - lower) * Double($0) / Double(bins) }
        e[bins] = upper
        try self.init(edges: e)
    }

    /// The number of bins `K`.
    public var binCount: Int { edges.count - 1 }

    /// The lowest edge `e_0`.
    public var lower: Double { edges[0] }

    /// The highest edge `e_K`.
    public var upper: Double { edges[edges.count - 1] }

    /// `e_{k+1} - e_k` for `k` in `0..<binCount`.
    public func width(ofBin k: Int) -> Double { edges[k + 1] - edges[k] }

    /// The bin holding `x` (see the drawing above); `x = e_K` is in the last bin; NaN is reported as `.above`.
    public func locate(_ x: Double) -> Position {
        let last = edges.count - 1
        if x < edges[0] { return .below }
        if !(x <= edges[last]) { return .above }
        // Largest k with e_k <= x, searched over 0..<K so that x == e_K lands in bin K - 1.
        var lo = 0, hi = last - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if edges[mid] <= x { lo = mid } else { hi = mid - 1 }
        }
        return .inside(lo)
    }
}
