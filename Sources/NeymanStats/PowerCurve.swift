import Foundation
import NeymanCore

/// Power versus type-I error of a test statistic, from its pseudo-experiment distributions under the null `H0` and
/// the alternative `H1` (docs/formulas.md §3, "Power vs type-I error"; guide fig. 4).
///
/// Large values of `T` reject `H0`. For a size `alpha` the test rejects when `T > c` and, when `T == c`, with
/// probability `gamma`, where `c` and `gamma` solve `P0(T > c) + gamma P0(T = c) = alpha` on the empirical `H0`
/// distribution. That is the Neyman-Pearson randomised test, so a discrete statistic (a count) reaches every size
/// exactly instead of jumping between the sizes its atoms allow:
///
/// ```
///   power(alpha) = P1(T > c) + gamma P1(T = c)
/// ```
/// (equivalently the ROC curve of `T` between the two samples with tied points joined by straight lines).
/// The quoted uncertainty is the binomial error of the `H1` sample, `sqrt(p (1 - p) / N1)`; the `H0` quantile's own
/// sampling error is not included (it is of the same order for `N0 = N1`, and the same for every statistic
/// evaluated on the same toys, so orderings are sharper than the error bars suggest).
public struct PowerCurve: Sendable {
    private let null: [Double]
    private let alternative: [Double]

    /// - Throws: if either sample is empty or holds a NaN.
    public init(null h0: [Double], alternative h1: [Double]) throws {
        guard !h0.isEmpty, !h1.isEmpty else { throw NeymanError.invalid("power curve needs pseudo-experiments under both hypotheses") }
        if let i = h0.firstIndex(where: \.isNaN) { throw NeymanError.invalid("the H0 statistic of pseudo-experiment \(i) is NaN") }
        if let i = h1.firstIndex(where: \.isNaN) { throw NeymanError.invalid("the H1 statistic of pseudo-experiment \(i) is NaN") }
        null = h0.sorted()
        alternative = h1.sorted()
    }

    /// Number of pseudo-experiments under each hypothesis.
    public var counts: (null: Int, alternative: Int) { (null.count, alternative.count) }

    /// The power at size `alpha` in [0, 1].
    public func power(at alpha: Double) -> Double {
        let n0 = Double(null.count)
        let a = min(max(alpha, 0), 1)
        // c = the smallest of the top floor(alpha N0) + 1 values of H0.
        let k = min(Int((a * n0).rounded(.down)), null.count - 1)
        let c = null[null.count - 1 - k]
        let greater0 = Double(null.count - PowerCurve.upperBound(null, c))
        let equal0 = Double(PowerCurve.upperBound(null, c) - PowerCurve.lowerBound(null, c))
        let gamma = equal0 > 0 ? min(max((a * n0 - greater0) / equal0, 0), 1) : 0
        let greater1 = Double(alternative.count - PowerCurve.upperBound(alternative, c))
        let equal1 = Double(PowerCurve.upperBound(alternative, c) - PowerCurve.lowerBound(alternative, c))
        return (greater1 + gamma * equal1) / Double(alternative.count)
    }

    /// The binomial error `sqrt(p (1 - p) / N1)` of a power `p`.
    public func powerError(_ p: Double) -> Double { (max(p * (1 - p), 0) / Double(alternative.count)).squareRoot() }

    /// Power at each size of `alphas`, with errors.
    public func curve(_ alphas: [Double]) -> (power: [Double], error: [Double]) {
        let p = alphas.map(power(at:))
        return (p, p.map(powerError))
    }

    /// A grid of sizes for plotting: 0, 0.0025, ..., 1 (401 points).
    public static let defaultAlphas: [Double] = (0...400).map { Double($0) / 400 }

    static func lowerBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < v { lo = m + 1 } else { hi = m } }
        return lo
    }

    static func upperBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= v { lo = m + 1 } else { hi = m } }
        return lo
    }
}
