import Foundation
import NeymanCore

/// Average decision ordering of two classifiers `f` and `g` (docs/formulas.md §7; Faucett, Thaler, Whiteson,
/// arXiv:2010.11998; muon paper eq. 4.5): over all (signal i, background j) pairs, with event weights,
///
/// ```
///   ADO = sum_{i in S} sum_{j in B} w_i w_j K_ij / (sum_S w * sum_B w)
///   K_ij = 1    if sign(f_i - f_j) = sign(g_i - g_j) != 0      (the two order the pair alike)
///          0    if the signs are opposite
///          1/2  if f_i = f_j or g_i = g_j                       (a tie in either)
/// ```
/// Since `K_ij = (1 + s^f_ij s^g_ij) / 2` with `s_ij = sign(x_i - x_j)` in {-1, 0, 1}, `ADO = 1/2 + P / (2 W)` where
/// `P = sum w_i w_j s^f_ij s^g_ij` and `W = (sum_S w)(sum_B w)`. `P` is computed exactly in O(n log n): sweep the
/// events in increasing `f` (groups of equal `f` together) with a Fenwick tree of background weight over the ranks of
/// `g`; for a signal event, `A` (background below it in `f`) and `A'` (below or tied in `f`) give
/// `sum_j w_j s^f s^g = A + A' - T`, with `T = sum_B w_j sign(g_i - g_j)` from a static prefix sum. ADO is 1 for
/// identical orderings, 0 for reversed ones, and 1/2 on average for unrelated classifiers.
///
/// Weights may have either sign (sWeights); the class sums must be non-zero. Unit weights give the unweighted ADO of
/// the reference cases (an exact count of concordant, tied and discordant pairs).
public enum AverageDecisionOrdering {
    /// The weighted ADO over all (signal, background) pairs.
    ///
    /// - Parameters:
    ///   - f, g: the two classifiers' outputs per event (only their order matters).
    ///   - isSignal: the class of each event.
    ///   - weights: per-event weights (`nil`: all 1).
    /// - Throws: on different lengths, a non-finite value, or a class with zero total weight.
    public static func ado(f: [Double], g: [Double], isSignal: [Bool], weights: [Double]? = nil) throws -> Double {
        let n = f.count
        guard g.count == n, isSignal.count == n, weights.map({ $0.count == n }) ?? true else {
            throw NeymanError.invalid("f, g, labels and weights differ in length (\(n), \(g.count), \(isSignal.count)"
                                      + "\(weights.map { ", \($0.count)" } ?? ""))")
        }
        for i in 0..<n where !(f[i].isFinite && g[i].isFinite && (weights?[i].isFinite ?? true)) {
            throw NeymanError.invalid("event \(i) has a non-finite classifier output or weight", row: i + 1)
        }
        let w = weights ?? [Double](repeating: 1, count: n)
        var totalS = 0.0, totalB = 0.0
        for i in 0..<n { if isSignal[i] { totalS += w[i] } else { totalB += w[i] } }
        guard totalS != 0, totalB != 0 else {
            throw NeymanError.invalid("ADO needs both classes with non-zero total weight (signal \(totalS), background \(totalB))")
        }
        let p = try signedPairSum(f: f, g: g, isSignal: isSignal, weights: w)
        return 0.5 + p / (2 * totalS * totalB)
    }

    /// `P = sum_{i in S, j in B} w_i w_j sign(f_i - f_j) sign(g_i - g_j)`, exactly, in O(n log n). Throws only for a NaN
    /// in `f` or `g` (``RadixSort``), which ``ado(f:g:isSignal:weights:)`` rules out first.
    static func signedPairSum(f: [Double], g: [Double], isSignal: [Bool], weights w: [Double]) throws -> Double {
        let n = f.count
        // Ranks of g (1-based, ties share a rank) for the Fenwick tree.
        let gOrder = try RadixSort.ascendingOrder(g)
        var gRank = [Int](repeating: 0, count: n)
        var ranks = 0
        for k in 0..<n {
            if k == 0 || g[gOrder[k]] != g[gOrder[k - 1]] { ranks += 1 }
            gRank[gOrder[k]] = ranks
        }
        // Static background weight per g rank, as prefix sums: T_i = W_B(g < g_i) - W_B(g > g_i).
        var perRank = [Double](repeating: 0, count: ranks + 1)
        var totalB = 0.0
        for i in 0..<n where !isSignal[i] { perRank[gRank[i]] += w[i]; totalB += w[i] }
        var prefix = [Double](repeating: 0, count: ranks + 1)   // prefix[r] = W_B(rank <= r)
        for r in stride(from: 1, through: ranks, by: 1) { prefix[r] = prefix[r - 1] + perRank[r] }
        func staticSign(_ r: Int) -> Double { prefix[r - 1] - (totalB - prefix[r]) }

        var tree = FenwickTree(size: ranks)
        func dynamicSign(_ r: Int) -> Double {
            let below = tree.prefixSum(r - 1), upTo = tree.prefixSum(r)
            return below - (tree.total - upTo)
        }
        let fOrder = try RadixSort.ascendingOrder(f)
        var p = 0.0
        var k = 0
        while k < n {
            var end = k
            while end < n && f[fOrder[end]] == f[fOrder[k]] { end += 1 }
            // A: background strictly below in f (the tree before this group).
            var a = [Double](), signals = [Int]()
            for m in k..<end where isSignal[fOrder[m]] {
                let i = fOrder[m]
                signals.append(i)
                a.append(dynamicSign(gRank[i]))
            }
            for m in k..<end where !isSignal[fOrder[m]] { tree.add(w[fOrder[m]], at: gRank[fOrder[m]]) }
            // A': background below or tied in f (ties contribute sign(f) = 0 to both A + A' - T terms alike).
            for (idx, i) in signals.enumerated() {
                let aPrime = dynamicSign(gRank[i])
                p += w[i] * (a[idx] + aPrime - staticSign(gRank[i]))
            }
            k = end
        }
        return p
    }
}

/// A Fenwick (binary indexed) tree of Double sums over positions 1...size: point updates and prefix sums in
/// O(log size).
struct FenwickTree {
    private var sums: [Double]
    private(set) var total = 0.0

    init(size: Int) { sums = [Double](repeating: 0, count: size + 1) }

    /// Adds `value` at position `index` (1-based).
    mutating func add(_ value: Double, at index: Int) {
        total += value
        var i = index
        while i < sums.count { sums[i] += value; i += i & -i }
    }

    /// The sum over positions 1...index (0 for index 0).
    func prefixSum(_ index: Int) -> Double {
        var s = 0.0, i = index
        while i > 0 { s += sums[i]; i -= i & -i }
        return s
    }
}
