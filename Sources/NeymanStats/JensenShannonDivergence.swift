import Foundation
import NeymanCore

/// The Jensen-Shannon divergence of two histograms, in bits (base-2 logarithms), as the DisCo paper measures how much
/// a cut sculpts the mass spectrum (Kasieczka & Shih arXiv:2001.05310: between the normalised `m` histograms of the
/// background events that pass and that fail the cut; docs/formulas.md §4):
///
/// ```
///   P = p / sum p,  Q = q / sum q,  M = (P + Q) / 2
///   JSD(P, Q) = 1/2 sum_i P_i log2(P_i / M_i) + 1/2 sum_i Q_i log2(Q_i / M_i)          (0 log 0 = 0)
/// ```
/// Symmetric, `0` exactly when the normalised histograms are equal, `1` when no bin is filled in both; multiply by
/// `ln 2` for nats. A histogram of finitely many events has a positive JSD even when both come from one parent
/// density: for `k` bins with `N_P` and `N_Q` events, about `(k - 1)/(8 ln 2) (1/N_P + 1/N_Q)` bits (the expansion
/// `KL(P||M) ~ 1/2 chi²`), so `1/JSD` saturates for a perfectly decorrelated classifier at a level set by the test
/// sample, not by the classifier.
public enum JensenShannonDivergence {
    /// `JSD(p, q)` in bits of two histograms with the same bins (counts or weights; each is normalised to sum 1).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when the lengths differ or are 0, an entry is negative or not
    ///   finite (naming `p` or `q` and the 0-based bin), or either histogram sums to 0.
    public static func bits(_ p: [Double], _ q: [Double]) throws -> Double {
        guard p.count == q.count, !p.isEmpty else {
            throw NeymanError.invalid("the histograms have \(p.count) and \(q.count) bins; they need the same, at least 1")
        }
        for (name, h) in [("p", p), ("q", q)] {
            if let i = h.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw NeymanError.invalid("bin \(i) (0-based) of histogram \(name) is \(h[i]); entries must be finite and >= 0")
            }
        }
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { throw NeymanError.invalid("a histogram is empty (sums \(sp) and \(sq))") }
        // Sums of the raw entries, divided by their totals at the end: disjoint histograms give exactly 1.
        var sumP = 0.0, sumQ = 0.0
        for i in p.indices {
            let a = p[i] / sp, b = q[i] / sq
            let m = 0.5 * (a + b)
            if a > 0 { sumP += p[i] * log2(a / m) }
            if b > 0 { sumQ += q[i] * log2(b / m) }
        }
        return min(max(0.5 * (sumP / sp + sumQ / sq), 0), 1)
    }
}
