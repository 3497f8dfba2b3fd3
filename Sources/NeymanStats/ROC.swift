import Foundation
import NeymanCore

/// ROC curves and the area under them with per-event signal and background weights of any sign (docs/formulas.md §6):
///
/// ```
///   AUC = sum_i sum_j wS_i wB_j ( [s_i > s_j] + 1/2 [s_i == s_j] ) / (sum wS * sum wB)
/// ```
/// computed in one sort by score (``RadixSort``, linear in n) and one sweep over the groups of tied scores keeping the
/// background weight below the current group. With labels, `wS_i = w_i [label_i = 1]` and `wB_i = w_i [label_i = 0]`; sWeighted samples
/// give both weights to every event. This equals the trapezoid rule on the ROC with one point per distinct score.
public enum ROC {
    /// AUC from per-event signal and background weights.
    /// - Throws: if the arrays differ in length, hold non-finite values, or a class has zero total weight.
    public static func auc(scores: [Double], signalWeights wS: [Double], backgroundWeights wB: [Double]) throws -> Double {
        let n = scores.count
        guard wS.count == n, wB.count == n else {
            throw NeymanError.invalid("scores, signal weights and background weights differ in length (\(n), \(wS.count), \(wB.count))")
        }
        guard n > 0 else { throw NeymanError.invalid("no events") }
        for i in 0..<n where !(scores[i].isFinite && wS[i].isFinite && wB[i].isFinite) {
            throw NeymanError.invalid("event \(i) has a non-finite score or weight")
        }
        guard n < Int(UInt32.max) else { throw NeymanError.invalid("more than 2^32 - 1 events") }
        var totalS = 0.0, totalB = 0.0
        for i in 0..<n { totalS += wS[i]; totalB += wB[i] }
        guard totalS != 0, totalB != 0 else { throw NeymanError.invalid("a class has zero total weight") }
        let perEvent = [ClassWeights](unsafeUninitializedCapacity: n) { out, initialized in
            for i in 0..<n { out[i] = ClassWeights(signal: wS[i], background: wB[i]) }
            initialized = n
        }
        return try sweep(scores, perEvent) / (totalS * totalB)
    }

    /// AUC from labels (`label > 0.5`: signal) and optional weights (default 1): the AUC of
    /// ``auc(scores:signalWeights:backgroundWeights:)`` with `wS_i = w_i [label_i > 0.5]`, `wB_i = w_i [label_i <= 0.5]`,
    /// bit for bit (the same nonzero terms summed in the same order; a skipped term was +0.0, which leaves a sum as it
    /// is), without building those two arrays: the two classes are sorted apart, each score with its weight
    /// (``RadixSort``), and one pass merges them. With `threads > 1` the two classes' sorts share two threads (from
    /// 65,536 events); the value is the same bits whatever `threads` is.
    /// - Throws: if the arrays differ in length, and as ``auc(scores:signalWeights:backgroundWeights:)``.
    public static func auc(scores: [Double], labels: [Double], weights: [Double]? = nil, threads: Int = 1) throws -> Double {
        let n = scores.count
        guard labels.count == n, weights.map({ $0.count == n }) ?? true else {
            throw NeymanError.invalid("scores, labels and weights differ in length")
        }
        guard n > 0 else { throw NeymanError.invalid("no events") }
        let ones = weights == nil ? [Double](repeating: 1, count: n) : []
        return try (weights ?? ones).withUnsafeBufferPointer { w in
            try labels.withUnsafeBufferPointer { labels in
                // One read of the inputs: the checks and both classes' totals.
                var totalS = 0.0, totalB = 0.0
                try scores.withUnsafeBufferPointer { scores in
                    for i in 0..<n {
                        guard scores[i].isFinite && w[i].isFinite else {
                            throw NeymanError.invalid("event \(i) has a non-finite score or weight")
                        }
                        let isSignal = labels[i] > 0.5
                        totalS += keep(w[i], isSignal); totalB += keep(w[i], !isSignal)
                    }
                }
                guard n < Int(UInt32.max) else { throw NeymanError.invalid("more than 2^32 - 1 events") }
                guard totalS != 0, totalB != 0 else { throw NeymanError.invalid("a class has zero total weight") }
                // Background and signal sorted apart, each event's weight carried with its score: the sweep merges
                // the two sorted runs, a group of tied scores being the run of one key in either, and looks nothing up.
                let area = try RadixSort.withSortedPairs(scores, inSecondClass: { labels[$0] > 0.5 },
                                                         payload: { w[$0].bitPattern },
                                                         classesInParallel: threads > 1) { background, signal in
                    let nB = background.count, nS = signal.count
                    var below = 0.0, area = 0.0
                    var b = 0, s = 0
                    while b < nB || s < nS {
                        let key = b == nB ? signal[s].key : (s == nS ? background[b].key : min(background[b].key, signal[s].key))
                        var gS = 0.0, gB = 0.0
                        while s < nS && signal[s].key == key { gS += Double(bitPattern: signal[s].payload); s += 1 }
                        while b < nB && background[b].key == key { gB += Double(bitPattern: background[b].payload); b += 1 }
                        area += gS * (below + 0.5 * gB)
                        below += gB
                    }
                    return area
                }
                return area / (totalS * totalB)
            }
        }
    }

    /// `w` when `condition` holds, else `+0.0` (which added to a sum leaves it as it is), without a branch: labels in
    /// random order would make a branch mispredict on every other event.
    @inline(__always)
    static func keep(_ w: Double, _ condition: Bool) -> Double {
        Double(bitPattern: w.bitPattern & (0 &- UInt64(condition ? 1 : 0)))
    }

    /// An event's signal and background weight side by side, so that the sweep's look-up in score order touches one
    /// place in memory per event (2·10^6 events: about a third faster than two look-ups; carrying the weights through
    /// the radix sort instead, 24-byte elements, was slower still than this one look-up).
    struct ClassWeights {
        var signal: Double
        var background: Double
    }

    /// `sum_i wS_i (wB below s_i + 1/2 wB tied with s_i)`, the numerator of the AUC: one pass over the events in
    /// ascending score order (``RadixSort``), a run of equal sorted keys being a group of tied scores, with the
    /// background weight below the current group carried along. The scores are finite (the callers check).
    static func sweep(_ scores: [Double], _ weights: [ClassWeights]) throws -> Double {
        try RadixSort.withSortedPairs(scores) { pairs in
            weights.withUnsafeBufferPointer { weights in
                let n = pairs.count
                var below = 0.0, area = 0.0
                var k = 0
                while k < n {
                    let key = pairs[k].key
                    var gS = 0.0, gB = 0.0
                    while k < n && pairs[k].key == key {
                        let w = weights[Int(truncatingIfNeeded: pairs[k].payload)]
                        gS += w.signal; gB += w.background
                        k += 1
                    }
                    area += gS * (below + 0.5 * gB)
                    below += gB
                }
                return area
            }
        }
    }
}
