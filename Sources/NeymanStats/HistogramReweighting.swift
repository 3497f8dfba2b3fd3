import Foundation
import NeymanCore

/// Per-event weights from a (weighted) histogram: weights that make a sample flat in one or more variables
/// (``flattening(_:weights:axes:overflow:columnNames:)``), or that make its histogram match another sample's
/// (``matching(_:weights:target:targetWeights:axes:overflow:columnNames:)``). This is the "sample weights"
/// recipe of the ATLAS prompt-vs-tau-muon study (ATLAS prompt-vs-tau-muon classification talk: weights in 5 GeV
/// pT bins up to 60 GeV that make the distribution flat, with the last bin's weight applied to every event above
/// 60 GeV "to prevent large weights").
///
/// With source events `x_i`, weights `w_i` (1 when not given), bins `b` of area `A_b` (the product of the bin
/// widths, so non-uniform bins flatten in *density*) and the source histogram `H_b = sum_{i in b} w_i`:
///
/// ```
///   flattening:  f_b = A_b / H_b          (1 / density of bin b)
///   matching:    f_b = T_b / H_b          (T_b = sum of the target's weights in bin b)
///   new weight   w'_i = c * w_i * f_{b(i)},      c = sum_i w_i / sum_i w_i f_{b(i)}
/// ```
///
/// so the new weights sum to the input weights' sum (the *sum rule*, over all events, including those that the
/// overflow policy sends to an edge bin or to 0). The reweighted histogram is then exactly (to rounding) flat in
/// density, `sum_{i in b} w'_i / A_b = c` for every populated bin, or proportional to the target's, `c T_b`.
/// Without out-of-range events `c = sum w / (total area of the populated bins)` (flattening) or
/// `sum w / sum_{b: H_b > 0} T_b` (matching).
///
/// Out-of-range events (any coordinate below the first or above the last edge) follow ``OverflowPolicy``.
/// Empty bins: a bin with `H_b = 0` gets `f_b = 0`; no event of positive weight falls in one (zero-weight events
/// keep weight 0), so they matter only for ``OverflowPolicy/clampToEdgeBins``, where an out-of-range event whose
/// clamped bin is empty takes the factor of the nearest non-empty bin (smallest squared distance in bin indices,
/// ties to the lowest flattened index; in 1-D: the first or last populated bin). In matching, bins where the target
/// has weight but the source has none cannot be reproduced; ``unmatchedTargetFraction`` says how much of the
/// target that is.
///
/// Bin indices are flattened in C order (the first axis slowest), as `numpy.histogramdd(...)[0].ravel()`.
public struct HistogramReweighting: Sendable {
    /// What happens to events outside the histogram range (any coordinate `< e_0` or `> e_K` on its axis).
    public enum OverflowPolicy: String, Sendable, CaseIterable {
        /// Each out-of-range coordinate is clamped to its axis's first or last bin, and the event gets that bin's
        /// factor (the nearest non-empty bin's when it is empty). The ATLAS tau-muon policy; the default.
        case clampToEdgeBins = "clamp"
        /// Out-of-range events get weight 0 (the remaining weights are scaled up to keep the sum rule).
        case zero
        /// An out-of-range event is an error naming the first such event (lowest index, then lowest axis).
        case error
    }

    /// The histogram axes, one per column.
    public let axes: [HistogramAxis]
    /// The overflow policy used.
    public let overflow: OverflowPolicy
    /// The new per-event weights `w'_i` (to use instead of the input weights; they already include them).
    public let weights: [Double]
    /// `c f_b` per bin (flattened in C order): the factor an event of bin `b` had its input weight multiplied by;
    /// 0 for empty bins.
    public let binFactors: [Double]
    /// The source's input-weighted histogram `H_b` (in-range events only), flattened in C order.
    public let sourceHistogram: [Double]
    /// The target's weighted histogram `T_b` (in-range events only) for matching; `nil` for flattening.
    public let targetHistogram: [Double]?
    /// The number of source events outside the range on at least one axis.
    public let outOfRangeCount: Int
    /// Matching: the fraction of the target's in-range weight in bins where the source has no weight (which no
    /// reweighting of the source can reproduce). 0 for flattening.
    public let unmatchedTargetFraction: Double

    /// Total number of bins (the product of the axes' bin counts).
    public var binCount: Int { sourceHistogram.count }

    /// Kish's effective sample size of the new weights, see ``SampleWeights/effectiveSize(_:)``.
    public var effectiveSize: Double { SampleWeights.effectiveSize(weights) }

    /// The flattened (C-order) index of the bin with per-axis indices `indices`.
    public func binIndex(_ indices: [Int]) -> Int { Self.flatIndex(indices, axes) }

    // MARK: Flattening

    /// Weights that make the (weighted) distribution of `columns` flat in density over the histogram `axes`
    /// (one axis per column; 1-D and 2-D are the usual cases, any number works).
    ///
    /// - Parameters:
    ///   - columns: `columns[a][i]` is coordinate `a` of event `i`.
    ///   - weights: input weights (finite, `>= 0`, positive sum); `nil` for unit weights.
    ///   - axes: the bins, one ``HistogramAxis`` per column.
    ///   - overflow: what to do with out-of-range events (default: clamp to the edge bins).
    ///   - columnNames: names used in error messages (default `column 0`, `column 1`, ...).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the sample (`source`), the column and the event for a
    ///   non-finite value or weight, a negative weight, mismatched lengths, an out-of-range event under
    ///   ``OverflowPolicy/error``, no event of positive weight inside the range, or more than 10^8 bins.
    public static func flattening(_ columns: [[Double]], weights: [Double]? = nil, axes: [HistogramAxis],
                                  overflow: OverflowPolicy = .clampToEdgeBins,
                                  columnNames: [String]? = nil) throws -> HistogramReweighting {
        let source = try Located(columns, weights: weights, axes: axes, overflow: overflow, sample: "source",
                                 columnNames: columnNames)
        let areas = binAreas(axes)
        let factors = zip(source.histogram, areas).map { h, a in h > 0 ? a / h : 0 }
        return try finish(source, factors: factors, target: nil, unmatched: 0)
    }

    // MARK: Matching another sample

    /// Weights that make the histogram of `columns` (the source) match that of `target`: `f_b = T_b / H_b`, the
    /// ratio of the two histograms (each may be weighted; normalising both first changes only `c`).
    ///
    /// The overflow policy applies to the source's events; the target's out-of-range events are left out of
    /// `T_b` (an error under ``OverflowPolicy/error``, naming the sample `target`).
    ///
    /// - Throws: as ``flattening(_:weights:axes:overflow:columnNames:)``, for either sample, and when the target
    ///   has no weight inside the range or none in the bins the source populates.
    public static func matching(_ columns: [[Double]], weights: [Double]? = nil, target: [[Double]],
                                targetWeights: [Double]? = nil, axes: [HistogramAxis],
                                overflow: OverflowPolicy = .clampToEdgeBins,
                                columnNames: [String]? = nil) throws -> HistogramReweighting {
        let source = try Located(columns, weights: weights, axes: axes, overflow: overflow, sample: "source",
                                 columnNames: columnNames)
        let tgt = try Located(target, weights: targetWeights, axes: axes, overflow: overflow, sample: "target",
                              columnNames: columnNames)
        let t = tgt.histogram
        let factors = zip(t, source.histogram).map { tb, hb in hb > 0 ? tb / hb : 0 }
        var total = 0.0, unmatched = 0.0
        for b in t.indices {
            total += t[b]
            if source.histogram[b] == 0 { unmatched += t[b] }
        }
        return try finish(source, factors: factors, target: t, unmatched: unmatched / total)
    }

    // MARK: Implementation

    /// A validated sample with every event's bin.
    private struct Located {
        let axes: [HistogramAxis]
        let overflow: OverflowPolicy
        let inputWeights: [Double]
        /// Flattened bin of each event; for out-of-range events, the bin after clamping each coordinate.
        let bin: [Int]
        let outside: [Bool]
        /// Sum of input weights per bin, in-range events only.
        let histogram: [Double]
        let sample: String

        init(_ columns: [[Double]], weights: [Double]?, axes: [HistogramAxis], overflow: OverflowPolicy,
             sample: String, columnNames: [String]?) throws {
            guard !axes.isEmpty else { throw NeymanError.invalid("no histogram axes", parameter: "axes") }
            let n = try SampleWeights.validate(columns: columns, weights: weights, sample: sample,
                                               columnNames: columnNames, dimension: axes.count)
            var bins = 1
            for a in axes {
                let (p, o) = bins.multipliedReportingOverflow(by: a.binCount)
                guard !o, p <= 100_000_000 else {
                    throw NeymanError.invalid("more than 10^8 bins in total", parameter: "axes")
                }
                bins = p
            }
            let w = weights ?? [Double](repeating: 1, count: n)
            var bin = [Int](repeating: 0, count: n), outside = [Bool](repeating: false, count: n)
            var histogram = [Double](repeating: 0, count: bins)
            for i in 0..<n {
                var flat = 0, out = false
                for (a, axis) in axes.enumerated() {
                    let x = columns[a][i]
                    let k: Int
                    switch axis.locate(x) {
                    case .inside(let j): k = j
                    case .below, .above:
                        if overflow == .error {
                            let side = x < axis.lower ? "below the first edge \(axis.lower)" : "above the last edge \(axis.upper)"
                            let name = SampleWeights.columnName(a, columnNames)
                            throw NeymanError.invalid(
                                "event \(i) (0-based) of sample '\(sample)' has \(name) = \(x), \(side) "
                                    + "(overflow policy 'error')", column: name, parameter: sample)
                        }
                        out = true
                        k = x < axis.lower ? 0 : axis.binCount - 1
                    }
                    flat = flat * axis.binCount + k
                }
                bin[i] = flat
                outside[i] = out
                if !out { histogram[flat] += w[i] }
            }
            guard histogram.contains(where: { $0 > 0 }) else {
                throw NeymanError.invalid("no event of sample '\(sample)' with positive weight inside the histogram range",
                                          parameter: sample)
            }
            self.axes = axes
            self.overflow = overflow
            self.inputWeights = w
            self.bin = bin
            self.outside = outside
            self.histogram = histogram
            self.sample = sample
        }
    }

    /// Applies `factors` (the `f_b`) to the source's events with the overflow policy, normalises (the sum rule)
    /// and packs the result.
    private static func finish(_ s: Located, factors: [Double], target: [Double]?,
                               unmatched: Double) throws -> HistogramReweighting {
        var nearest: [Int: Int] = [:]
        var nonEmpty: [Int] = []   // filled on first use: (flat index, per-axis indices) of each non-empty bin
        var raw = [Double](repeating: 0, count: s.bin.count)
        var outCount = 0
        for i in raw.indices {
            var b = s.bin[i]
            if s.outside[i] {
                outCount += 1
                if s.overflow == .zero { continue }
                if s.histogram[b] == 0 {
                    if let cached = nearest[b] { b = cached } else {
                        if nonEmpty.isEmpty {
                            for (k, h) in s.histogram.enumerated() where h > 0 { nonEmpty += [k] + multiIndex(k, s.axes) }
                        }
                        let found = nearestNonEmpty(b, nonEmpty, s.axes)
                        nearest[b] = found
                        b = found
                    }
                }
            }
            raw[i] = s.inputWeights[i] * factors[b]
        }
        let sumRaw = raw.reduce(0, +)
        guard sumRaw > 0 else {
            let why = target == nil
                ? "every source event inside the range has weight 0"
                : "the target has no weight in the bins the source populates"
            throw NeymanError.invalid("cannot normalise the weights: \(why)", parameter: target == nil ? "source" : "target")
        }
        let c = s.inputWeights.reduce(0, +) / sumRaw
        return HistogramReweighting(axes: s.axes, overflow: s.overflow, weights: raw.map { $0 * c },
                                    binFactors: factors.map { $0 * c }, sourceHistogram: s.histogram,
                                    targetHistogram: target, outOfRangeCount: outCount,
                                    unmatchedTargetFraction: unmatched)
    }

    /// Product of the bin widths of every bin, flattened in C order.
    static func binAreas(_ axes: [HistogramAxis]) -> [Double] {
        var areas: [Double] = [1]
        for axis in axes {
            areas = areas.flatMap { a in (0..<axis.binCount).map { a * axis.width(ofBin: $0) } }
        }
        return areas
    }

    static func flatIndex(_ indices: [Int], _ axes: [HistogramAxis]) -> Int {
        var flat = 0
        for (k, axis) in zip(indices, axes) { flat = flat * axis.binCount + k }
        return flat
    }

    static func multiIndex(_ flat: Int, _ axes: [HistogramAxis]) -> [Int] {
        var rest = flat
        var out = [Int](repeating: 0, count: axes.count)
        for a in stride(from: axes.count - 1, through: 0, by: -1) {
            out[a] = rest % axes[a].binCount
            rest /= axes[a].binCount
        }
        return out
    }

    /// The non-empty bin nearest to bin `from` (squared distance in bin indices; ties to the lowest flat index),
    /// by a scan of the non-empty bins: `O(d * non-empty bins)` per call (cached per clamped bin by the caller).
    /// `nonEmpty` holds the flat index and the per-axis indices of every bin with `H_b > 0`, in increasing flat
    /// order, `d + 1` integers per bin; the caller guarantees it is not empty.
    static func nearestNonEmpty(_ from: Int, _ nonEmpty: [Int], _ axes: [HistogramAxis]) -> Int {
        let m0 = multiIndex(from, axes), d = axes.count, stride = d + 1
        var best = -1, bestDistance = Int.max
        var p = 0
        while p < nonEmpty.count {
            var dist = 0
            for a in 0..<d { let t = nonEmpty[p + 1 + a] - m0[a]; dist += t * t }
            if dist < bestDistance { bestDistance = dist; best = nonEmpty[p] }
            p += stride
        }
        return best
    }
}
