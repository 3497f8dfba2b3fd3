import NeymanCore
import NeymanStats

/// The result of ``WeightedKendallTau/test(x:y:weights:)``.
public struct KendallTauResult: Sendable, Equatable {
    /// Weighted tau-b: `Gamma / sqrt(A1 B1)`, in [-1, 1].
    public let tau: Double
    /// Two-sided p-value of independence (normal approximation to the permutation distribution).
    public let pValue: Double
    /// `Gamma / sqrt(Var_perm(Gamma))`.
    public let z: Double
    /// Number of events.
    public let n: Int
    /// `Gamma` itself.
    public let gamma: Double
    /// The mean of `Gamma` under the null that was subtracted (0 for plain exchangeability; see ``SPlotIndependence``).
    public let nullMean: Double
}

/// A weighted Kendall rank correlation between a discriminating variable `x` and a control variable `y`, and a test
/// of their independence, for sWeighted (signed) samples.
///
/// The statistic, over ordered pairs `i != j`:
/// ```
///   Gamma = sum_{i != j} a_ij b_ij,    a_ij = w_i w_j sgn(x_i - x_j),   b_ij = sgn(y_i - y_j)
///   tau   = Gamma / sqrt(A1 B1),       A1 = sum_{i != j} a_ij^2,        B1 = sum_{i != j} b_ij^2
/// ```
/// With unit weights and no ties `tau` is Kendall's tau-a; with ties, tau-b. Cauchy-Schwarz keeps it in [-1, 1] for
/// weights of any sign.
///
/// p-value: under the null that `y` is exchangeable given `(x, w)` (every permutation of the `y` values equally
/// likely), `E[Gamma] = 0` and, for antisymmetric `a`, `b` (Daniels 1944; the terms with four distinct indices vanish):
/// ```
///   Var(Gamma) = 2 A1 B1 / (n (n-1))  +  4 (A2 - A1)(B2 - B1) / (n (n-1)(n-2)),
///   A2 = sum_i (sum_j a_ij)^2,   B2 = sum_i (sum_j b_ij)^2
/// ```
/// which for unit weights without ties is the textbook `Var(tau) = 2(2n+5) / (9n(n-1))`. The p-value is
/// `2 Q(|Gamma| / sqrt(Var))` (normal approximation, good for n of a few dozen and more). Everything is O(n log n):
/// one sort by x, one by y, and a Fenwick tree of weights over the y ranks.
///
/// With sWeights as `w` the plain test is not enough: sWeights project out the other species only for functions of
/// the control variable alone, and `Gamma` also involves the discriminating variable, so when the species have
/// different control distributions the sWeighted `Gamma` has a non-zero mean even under independence within each
/// species. ``SPlotIndependence`` computes that mean and passes it as `nullMean`.
public enum WeightedKendallTau {
    /// - Parameter nullMean: the mean of `Gamma` under the null, subtracted before the p-value is formed:
    ///   `z = (Gamma - nullMean) / sqrt(Var)` (0 for the plain test; ``SPlotIndependence`` passes the mean that
    ///   species-wise independence implies).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for fewer than 3 events, arrays of different lengths, or
    ///   non-finite values.
    public static func test(x: [Double], y: [Double], weights w: [Double], nullMean: Double = 0) throws -> KendallTauResult {
        let n = x.count
        guard y.count == n, w.count == n else { throw NeymanError.invalid("x, y and weights differ in length (\(n), \(y.count), \(w.count))") }
        guard n >= 3 else { throw NeymanError.invalid("Kendall's tau needs at least 3 events, got \(n)") }
        for i in 0..<n where !(x[i].isFinite && y[i].isFinite && w[i].isFinite) {
            throw NeymanError.invalid("event \(i + 1) has a non-finite value")
        }
        // y ranks (ties share a rank), counts below/above each y.
        let byY = (0..<n).sorted { y[$0] < y[$1] }
        var rank = [Int](repeating: 0, count: n)
        var yGroups: [Int] = []
        var b2 = 0.0
        var k = 0
        while k < n {
            var e = k
            while e < n && y[byY[e]] == y[byY[k]] { e += 1 }
            for q in k..<e { rank[byY[q]] = yGroups.count }
            let diff = Double(k) - Double(n - e)  // (number below) - (number above)
            b2 += Double(e - k) * diff * diff
            yGroups.append(e - k)
            k = e
        }
        let nd = Double(n)
        let b1 = nd * nd - yGroups.reduce(0.0) { $0 + Double($1) * Double($1) }

        // Sweep x groups in increasing order.
        let byX = (0..<n).sorted { x[$0] < x[$1] }
        let totalW = w.reduce(0, +)
        let sumW2 = w.reduce(0) { $0 + $1 * $1 }
        var tree = FenwickTree(size: yGroups.count)
        var half = 0.0, a2 = 0.0, tiesX = 0.0, below = 0.0
        k = 0
        while k < n {
            var e = k
            while e < n && x[byX[e]] == x[byX[k]] { e += 1 }
            var groupW = 0.0, groupW2 = 0.0
            for q in k..<e { groupW += w[byX[q]]; groupW2 += w[byX[q]] * w[byX[q]] }
            let above = totalW - below - groupW
            for q in k..<e {
                let j = byX[q]
                let less = tree.prefix(rank[j] - 1), notGreater = tree.prefix(rank[j])
                let greater = below - notGreater
                half += w[j] * (less - greater)
                let ai = w[j] * (below - above)
                a2 += ai * ai
            }
            for q in k..<e { tree.add(rank[byX[q]], w[byX[q]]) }
            below += groupW
            tiesX += groupW2 * groupW2
            k = e
        }
        let gamma = 2 * half
        let a1 = sumW2 * sumW2 - tiesX
        let variance = 2 * a1 * b1 / (nd * (nd - 1)) + 4 * (a2 - a1) * (b2 - b1) / (nd * (nd - 1) * (nd - 2))
        let tau = a1 > 0 && b1 > 0 ? gamma / (a1 * b1).squareRoot() : .nan
        let z = variance > 0 ? (gamma - nullMean) / variance.squareRoot() : .nan
        let p = z.isFinite ? min(1, 2 * Normal.survival(abs(z))) : .nan
        return KendallTauResult(tau: tau, pValue: p, z: z, n: n, gamma: gamma, nullMean: nullMean)
    }
}

/// A Fenwick (binary indexed) tree of Double sums over ranks `0..<size`.
struct FenwickTree {
    private var sums: [Double]

    init(size: Int) { sums = [Double](repeating: 0, count: size + 1) }

    mutating func add(_ rank: Int, _ value: Double) {
        var i = rank + 1
        while i < sums.count { sums[i] += value; i += i & -i }
    }

    /// Sum over ranks `0...rank` (0 for a negative rank).
    func prefix(_ rank: Int) -> Double {
        var i = rank + 1, s = 0.0
        while i > 0 { s += sums[i]; i -= i & -i }
        return s
    }
}
