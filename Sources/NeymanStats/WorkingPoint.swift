import Foundation
import NeymanCore

/// The score threshold of a working point and the efficiency of a cut on a score, with its error.
///
/// An event *passes* a threshold `t` when its score `s >= t`. The efficiency of a set of events with weights
/// `w_i >= 0` (1 without weights) is
/// ```
///   eps(t) = sum_{s_i >= t} w_i / sum_i w_i
/// ```
/// and the threshold of the working point `p` in (0, 1] is the *highest* score among the events whose efficiency
/// reaches `p`:
/// ```
///   t(p) = max { s_i : eps(s_i) >= p (1 - 1e-12) }
/// ```
/// (the relative `1e-12` absorbs the rounding of the sums). Ties are never split: every event whose score equals `t`
/// passes, so `eps(t(p)) >= p`, the smallest efficiency of at least `p` the scores allow (`ceil(p n) / n` for `n`
/// unweighted events with distinct scores). `t(1)` is the lowest score.
///
/// Error of a weighted efficiency (the normal approximation, as ROOT's `TEfficiency` for weighted events and
/// `TH1::Divide(..., "B")`; each event passes or fails independently):
/// ```
///   var(eps) = ((1 - eps)^2 sum_{pass} w_i^2 + eps^2 sum_{fail} w_i^2) / (sum_i w_i)^2
/// ```
/// which for unit weights is the binomial `eps (1 - eps) / n`. It is 0 at `eps = 0` or `1` (the normal
/// approximation's known weakness there; use a Clopper-Pearson interval when that matters).
public enum WorkingPoint {
    /// The threshold `t(p)` of `efficiency` `p` on `scores` (see the type's documentation), or `nil` when there is no
    /// event with positive weight.
    /// - Precondition (checked by the callers' input validation): scores finite, weights finite and `>= 0`, one per
    ///   score; `p` in (0, 1].
    public static func threshold(scores: [Double], weights: [Double]?, efficiency p: Double) -> Double? {
        let n = weights.map { min($0.count, scores.count) } ?? scores.count
        guard n > 0 else { return nil }
        let order = (0..<n).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let total = (0..<n).reduce(0.0) { $0 + (weights?[$1] ?? 1) }
        guard total > 0 else { return nil }
        let target = p * total * (1 - 1e-12)
        var cumulative = 0.0
        var k = 0
        while k < n {
            let s = scores[order[k]]
            // The whole group of equal scores passes together.
            while k < n && scores[order[k]] == s {
                cumulative += weights?[order[k]] ?? 1
                k += 1
            }
            if cumulative >= target { return s }
        }
        return scores[order[n - 1]]
    }

    /// Sums of weights of events that pass and fail a cut: what an efficiency and its error are computed from.
    public struct Tally: Sendable, Equatable {
        /// Events counted (whatever their weight).
        public var events = 0
        public var passWeight = 0.0
        public var failWeight = 0.0
        public var passWeightSquared = 0.0
        public var failWeightSquared = 0.0

        /// No events.
        public init() {}

        /// Counts one event of weight `w`.
        public mutating func add(passes: Bool, weight w: Double) {
            events += 1
            if passes { passWeight += w; passWeightSquared += w * w } else { failWeight += w; failWeightSquared += w * w }
        }

        /// `sum_i w_i`.
        public var totalWeight: Double { passWeight + failWeight }

        /// `eps = sum_pass w / sum w`; NaN when the total weight is not positive (no events).
        public var efficiency: Double { totalWeight > 0 ? passWeight / totalWeight : .nan }

        /// `sqrt(((1 - eps)^2 sum_pass w^2 + eps^2 sum_fail w^2)) / sum w` (binomial `sqrt(eps(1-eps)/n)` for unit
        /// weights); NaN when the total weight is not positive.
        public var efficiencyError: Double {
            let total = totalWeight
            guard total > 0 else { return .nan }
            let e = passWeight / total
            let variance = ((1 - e) * (1 - e) * passWeightSquared + e * e * failWeightSquared) / (total * total)
            return max(variance, 0).squareRoot()
        }
    }
}
