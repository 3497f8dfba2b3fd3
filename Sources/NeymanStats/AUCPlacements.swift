import Foundation
import NeymanCore

/// The AUC of labelled, unweighted events with DeLong's variance (DeLong, DeLong, Clarke-Pearson, Biometrics 44
/// (1988) 837), from the placement values of each event:
///
/// ```
///   V_i (signal i)     = ( #{B: s_B < s_i} + 1/2 #{B: s_B = s_i} ) / n_B
///   W_j (background j) = ( #{S: s_S > s_j} + 1/2 #{S: s_S = s_j} ) / n_S
///   AUC = mean_i V_i = mean_j W_j                                 (docs/formulas.md §6 with unit weights)
///   Var(AUC) = var(V) / n_S + var(W) / n_B                         (sample variances, n - 1 denominators)
/// ```
/// Two scores of the same events: `Var(AUC_1 - AUC_2) = var(V1 - V2) / n_S + var(W1 - W2) / n_B`, which is far
/// smaller than either variance when the scores order the events alike. O(n log n) (a radix sort of the scores).
public struct AUCPlacements: Sendable {
    /// The AUC, `mean_i V_i`.
    public let auc: Double
    /// `V_i` of the signal events and `W_j` of the background events, in the order the events were given.
    public let signal: [Double]
    /// `W_j` of the background events, in the order the events were given.
    public let background: [Double]

    /// - Throws: if the lengths differ, a score is not finite, or a class has fewer than two events.
    public init(scores: [Double], isSignal: [Bool]) throws {
        guard scores.count == isSignal.count else { throw NeymanError.invalid("\(scores.count) scores for \(isSignal.count) labels") }
        guard scores.allSatisfy(\.isFinite) else { throw NeymanError.invalid("a score is not finite") }
        let nS = isSignal.lazy.filter { $0 }.count, nB = scores.count - nS
        guard nS >= 2, nB >= 2 else { throw NeymanError.invalid("DeLong's variance needs two events of each class (\(nS) S, \(nB) B)") }
        let order = try RadixSort.ascendingOrder(scores)
        var v = [Double](repeating: 0, count: scores.count)   // placement of each event, by event index
        var belowS = 0, belowB = 0
        var k = 0
        while k < order.count {
            var end = k, gS = 0, gB = 0
            while end < order.count && scores[order[end]] == scores[order[k]] {
                if isSignal[order[end]] { gS += 1 } else { gB += 1 }
                end += 1
            }
            let vS = (Double(belowB) + 0.5 * Double(gB)) / Double(nB)
            let vB = (Double(nS - belowS - gS) + 0.5 * Double(gS)) / Double(nS)
            for m in k..<end { v[order[m]] = isSignal[order[m]] ? vS : vB }
            belowS += gS; belowB += gB
            k = end
        }
        signal = scores.indices.filter { isSignal[$0] }.map { v[$0] }
        background = scores.indices.filter { !isSignal[$0] }.map { v[$0] }
        auc = signal.reduce(0, +) / Double(nS)
    }

    /// DeLong's standard error of ``auc``.
    public var error: Double { (SampleSummary.variance(signal) / Double(signal.count) + SampleSummary.variance(background) / Double(background.count)).squareRoot() }

    /// The standard error of `self.auc - other.auc` for two scores of the same events (same order).
    public func differenceError(_ other: AUCPlacements) -> Double {
        let dS = zip(signal, other.signal).map { $0 - $1 }, dB = zip(background, other.background).map { $0 - $1 }
        return (SampleSummary.variance(dS) / Double(dS.count) + SampleSummary.variance(dB) / Double(dB.count)).squareRoot()
    }
}
