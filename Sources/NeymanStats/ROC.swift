import Foundation
import NeymanCore

/// ROC curves and the area under them with per-event signal and background weights of any sign (docs/formulas.md §6):
///
/// ```
///   AUC = sum_i sum_j wS_i wB_j ( [s_i > s_j] + 1/2 [s_i == s_j] ) / (sum wS * sum wB)
/// ```
/// computed in O(n log n): sort by score, then sweep the groups of tied scores keeping the background weight below
/// the current group. With labels, `wS_i = w_i [label_i = 1]` and `wB_i = w_i [label_i = 0]`; sWeighted samples
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
        let order = RadixSort.ascendingOrder(scores)
        var totalS = 0.0, totalB = 0.0
        for i in 0..<n { totalS += wS[i]; totalB += wB[i] }
        guard totalS != 0, totalB != 0 else { throw NeymanError.invalid("a class has zero total weight") }
        var below = 0.0, area = 0.0
        var k = 0
        while k < n {
            let s = scores[order[k]]
            var gS = 0.0, gB = 0.0
            while k < n && scores[order[k]] == s {
                gS += wS[order[k]]; gB += wB[order[k]]
                k += 1
            }
            area += gS * (below + 0.5 * gB)
            below += gB
        }
        return area / (totalS * totalB)
    }

    /// AUC from labels (1 = signal) and optional weights.
    public static func auc(scores: [Double], labels: [Double], weights: [Double]? = nil) throws -> Double {
        guard labels.count == scores.count, weights.map({ $0.count == scores.count }) ?? true else {
            throw NeymanError.invalid("scores, labels and weights differ in length")
        }
        var ws = [Double](repeating: 0, count: scores.count), wb = ws
        for i in 0..<scores.count {
            let w = weights?[i] ?? 1
            if labels[i] > 0.5 { ws[i] = w } else { wb[i] = w }
        }
        return try auc(scores: scores, signalWeights: ws, backgroundWeights: wb)
    }
}
