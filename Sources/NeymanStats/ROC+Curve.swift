import Foundation
import NeymanCore

/// One point of a ROC curve: events with score `>= threshold` are selected.
public struct ROCPoint: Sendable, Equatable {
    public let threshold: Double
    /// Selected background weight / total background weight.
    public let falsePositiveRate: Double
    /// Selected signal weight / total signal weight.
    public let truePositiveRate: Double
}

extension ROC {
    /// The weighted ROC curve with one point per distinct score (docs/formulas.md §6), in scikit-learn's convention
    /// (`roc_curve(..., drop_intermediate=False)`): the first point has threshold `+inf` and rates (0, 0); thresholds
    /// then decrease through the distinct scores, and
    /// `fpr(t) = sum_{s_i >= t} wB_i / sum wB`, `tpr(t) = sum_{s_i >= t} wS_i / sum wS`.
    /// With signed weights the rates need not be monotonic (nor stay within [0, 1]); they are reported as they are.
    /// The trapezoid rule over these points is ``auc(scores:signalWeights:backgroundWeights:)``.
    /// - Throws: as ``auc(scores:signalWeights:backgroundWeights:)``.
    public static func curve(scores: [Double], signalWeights wS: [Double], backgroundWeights wB: [Double]) throws -> [ROCPoint] {
        _ = try auc(scores: scores, signalWeights: wS, backgroundWeights: wB)  // the same input checks
        let n = scores.count
        let order = Array(try RadixSort.ascendingOrder(scores).reversed())
        let totalS = wS.reduce(0, +), totalB = wB.reduce(0, +)
        var points = [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var cumS = 0.0, cumB = 0.0
        var k = 0
        while k < n {
            let s = scores[order[k]]
            while k < n && scores[order[k]] == s {
                cumS += wS[order[k]]; cumB += wB[order[k]]
                k += 1
            }
            points.append(ROCPoint(threshold: s, falsePositiveRate: cumB / totalB, truePositiveRate: cumS / totalS))
        }
        return points
    }
}
