import Foundation
import NeymanCore

/// The (signal, background) pairs that two classifiers `h1` and `h2` order oppositely, collected once so that many
/// candidate observables can be compared with a guide on them: the subspace of the black-box guided search
/// (docs/formulas.md §7; muon paper §4.1; Faucett, Thaler, Whiteson arXiv:2010.11998 §3).
///
/// A pair `(i, j)` (i signal, j background) is disordered when `sign(h1_i - h1_j) * sign(h2_i - h2_j) = -1`; a tie in
/// either classifier is not a disagreement. Every (signal, background) pair is examined when there are at most
/// `pairBudget` of them; otherwise `pairBudget` pairs are drawn uniformly with replacement from
/// `RandomStream(seed:)` (a pair drawn twice counts twice), so the ADO on them is an unbiased estimate.
///
/// ```swift
/// let pairs = try DisorderedPairs(isSignal: y, weights: w, h1: network, h2: pfn)
/// let scores = try candidates.map { try pairs.ado(f: $0, g: pfn) }
/// ```
/// Memory: 16 bytes per disordered pair.
public struct DisorderedPairs: Sendable {
    /// Index of the signal event of each disordered pair.
    public let signal: [Int32]
    /// Index of the background event of each disordered pair.
    public let background: [Int32]
    /// `w_i w_j` of each pair (1 without weights).
    public let weight: [Double]
    /// Whether the pairs are a random sample (more (signal, background) pairs than the budget).
    public let sampled: Bool
    /// The pairs examined: every (signal, background) pair, or the budget when sampled.
    public let pairsExamined: Int

    /// The number of events the pairs index into.
    public let eventCount: Int

    /// The number of disordered pairs kept.
    public var count: Int { signal.count }

    /// Collects the disordered pairs of `h1` and `h2`.
    /// - Throws: on different lengths, more than `Int32.max` events, a non-finite `h1`, `h2` or weight, an empty
    ///   class, or a non-positive budget.
    public init(isSignal: [Bool], weights: [Double]? = nil, h1: [Double], h2: [Double],
                pairBudget: Int = AverageDecisionOrdering.defaultPairBudget, seed: UInt64 = 0) throws {
        let n = isSignal.count
        guard h1.count == n, h2.count == n, weights.map({ $0.count == n }) ?? true else {
            throw NeymanError.invalid("h1, h2, labels and weights differ in length (\(h1.count), \(h2.count), \(n), \(weights?.count ?? n))")
        }
        guard n < Int(Int32.max) else { throw NeymanError.invalid("\(n) events: at most \(Int32.max - 1) are supported") }
        for i in 0..<n where !(h1[i].isFinite && h2[i].isFinite && (weights?[i].isFinite ?? true)) {
            throw NeymanError.invalid("event \(i) has a non-finite classifier output or weight", row: i + 1)
        }
        guard pairBudget > 0 else { throw NeymanError.invalid("must be positive, got \(pairBudget)", parameter: "pair-budget") }
        let sig = (0..<n).filter { isSignal[$0] }, bkg = (0..<n).filter { !isSignal[$0] }
        guard !sig.isEmpty, !bkg.isEmpty else { throw NeymanError.invalid("ADO needs events of both classes") }
        var s: [Int32] = [], b: [Int32] = [], w: [Double] = []
        @inline(__always) func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        func visit(_ i: Int, _ j: Int) {
            guard sign(h1[i] - h1[j]) * sign(h2[i] - h2[j]) < 0 else { return }
            s.append(Int32(i)); b.append(Int32(j)); w.append(weights.map { $0[i] * $0[j] } ?? 1)
        }
        let (all, overflow) = sig.count.multipliedReportingOverflow(by: bkg.count)
        sampled = overflow || all > pairBudget
        if sampled {
            let rng = RandomStream(seed: seed)
            for _ in 0..<pairBudget { visit(sig[rng.integer(below: sig.count)], bkg[rng.integer(below: bkg.count)]) }
        } else {
            for i in sig { for j in bkg { visit(i, j) } }
        }
        pairsExamined = sampled ? pairBudget : all
        eventCount = n
        signal = s
        background = b
        weight = w
    }

    /// ADO of `f` against `g` over the disordered pairs, `sum w DO[f,g] / sum w` with `DO = (1 + sign(df) sign(dg))/2`
    /// (ties count 1/2); NaN when there are no pairs. `f` and `g` are indexed like the events the pairs came from.
    /// - Throws: if `f` or `g` does not have ``eventCount`` values.
    public func ado(f: [Double], g: [Double]) throws -> Double {
        guard f.count == eventCount, g.count == eventCount else {
            throw NeymanError.invalid("f and g need \(eventCount) values (got \(f.count) and \(g.count))")
        }
        return weightedADO(f: f, g: g).ado
    }

    /// ``ado(f:g:)`` with the sums of the pair weights and of their squares (for a sampling error).
    func weightedADO(f: [Double], g: [Double]) -> (ado: Double, sumW: Double, sumW2: Double) {
        @inline(__always) func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        var num = 0.0, den = 0.0, den2 = 0.0
        for k in 0..<count {
            let i = Int(signal[k]), j = Int(background[k]), ww = weight[k]
            num += ww * 0.5 * (1 + sign(f[i] - f[j]) * sign(g[i] - g[j]))
            den += ww
            den2 += ww * ww
        }
        return (den != 0 ? num / den : .nan, den, den2)
    }
}
