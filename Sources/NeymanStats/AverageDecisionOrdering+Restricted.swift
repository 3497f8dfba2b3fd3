import Foundation
import NeymanCore

/// ADO on the pairs two other classifiers order differently: the guided search's subspace (docs/formulas.md §7; muon
/// paper §4.3; Faucett, Thaler, Whiteson arXiv:2010.11998 §3).
public struct RestrictedADO: Sendable, Equatable {
    /// ADO of `f` against `g` over the disagreeing pairs (NaN when there are none).
    public let ado: Double
    /// The (signal, background) pairs examined, and how many of them the two classifiers order differently.
    public let pairsExamined: Int
    public let disagreeingPairs: Int
    /// Whether the pairs were a random sample (more pairs than the budget) rather than all of them.
    public let sampled: Bool
    /// The sampling standard error of ``ado`` (0 when every pair was examined): the binomial error
    /// `sqrt(ado (1 - ado) / n_eff)` with `n_eff = (sum w)^2 / sum w^2` over the disagreeing sampled pairs.
    public let error: Double
}

extension AverageDecisionOrdering {
    /// The pairs an exact restricted ADO examines at most (one per (signal, background) pair); above it a uniform
    /// random sample of this many pairs is drawn.
    public static let defaultPairBudget = 200_000_000

    /// ADO of `f` against `g` over the (signal i, background j) pairs on which `h1` and `h2` disagree, that is
    /// `sign(h1_i - h1_j) * sign(h2_i - h2_j) = -1` (a tie in `h1` or `h2` is no disagreement: neither orders the pair).
    /// In the guided search `h1` is the current high-level network, `h2` the guide (e.g. the PFN), and `f` a
    /// candidate observable compared with `g` = the guide.
    ///
    /// Every pair is examined when there are at most `pairBudget` of them (O(n_S n_B), exact); otherwise `pairBudget`
    /// pairs are drawn uniformly with replacement from `RandomStream(seed:)`, each weighted `w_i w_j`, and the result
    /// carries its sampling error.
    ///
    /// - Throws: on different lengths, non-finite values, an empty class, or a non-positive budget.
    public static func restricted(f: [Double], g: [Double], isSignal: [Bool], weights: [Double]? = nil,
                                  disagreementOf h1: [Double], and h2: [Double],
                                  pairBudget: Int = defaultPairBudget, seed: UInt64 = 0) throws -> RestrictedADO {
        let n = f.count
        guard g.count == n, isSignal.count == n, h1.count == n, h2.count == n, weights.map({ $0.count == n }) ?? true else {
            throw NeymanError.invalid("f, g, h1, h2, labels and weights differ in length")
        }
        for i in 0..<n where !(f[i].isFinite && g[i].isFinite && h1[i].isFinite && h2[i].isFinite && (weights?[i].isFinite ?? true)) {
            throw NeymanError.invalid("event \(i) has a non-finite classifier output or weight", row: i + 1)
        }
        guard pairBudget > 0 else { throw NeymanError.invalid("must be positive, got \(pairBudget)", parameter: "pair-budget") }
        let pairs = try DisorderedPairs(isSignal: isSignal, weights: weights, h1: h1, h2: h2, pairBudget: pairBudget, seed: seed)
        let (ado, den, den2) = pairs.weightedADO(f: f, g: g)
        var error = 0.0
        if pairs.sampled && den != 0 && den2 > 0 {
            let nEff = den * den / den2
            error = (max(ado * (1 - ado), 0) / nEff).squareRoot()
        }
        return RestrictedADO(ado: ado, pairsExamined: pairs.pairsExamined, disagreeingPairs: pairs.count,
                             sampled: pairs.sampled, error: error)
    }
}
