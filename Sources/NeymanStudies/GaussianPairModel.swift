import Foundation
import NeymanCore
import NeymanStats

/// Two unit-covariance Gaussians in d dimensions: signal `S ~ N(mu_S, I)`, background `B ~ N(mu_B, I)`; a toy whose
/// likelihood ratio and optimal AUC are known in closed form.
///
/// ```
///   ln L_{S/B}(x) = ln p_S(x) - ln p_B(x) = Delta . (x - m),      Delta = mu_S - mu_B,  m = (mu_S + mu_B) / 2
///   t(x) = u . (x - m),  u = Delta / |Delta|:   t ~ N(+|Delta|/2, 1) under S,  N(-|Delta|/2, 1) under B
///   optimal AUC = P(t_S > t_B) = Phi(|Delta| / sqrt 2)
/// ```
/// `L_{S/B} = exp(|Delta| t)` depends on `x` only through `t`, the signed distance from the midpoint along the line
/// joining the means. Edge cases: `mu_S = mu_B` is rejected (nothing to separate).
public struct GaussianPairModel: Sendable {
    /// `mu_S`.
    public let signalMean: [Double]
    /// `mu_B`.
    public let backgroundMean: [Double]

    /// - Throws: if the means differ in dimension, are empty, hold a non-finite value, or coincide.
    public init(signalMean: [Double], backgroundMean: [Double]) throws {
        guard !signalMean.isEmpty, signalMean.count == backgroundMean.count else {
            throw NeymanError.invalid("the signal and background means need the same, non-zero, dimension "
                                      + "(got \(signalMean.count) and \(backgroundMean.count))")
        }
        guard (signalMean + backgroundMean).allSatisfy(\.isFinite) else { throw NeymanError.invalid("the means must be finite") }
        self.signalMean = signalMean
        self.backgroundMean = backgroundMean
        difference = zip(signalMean, backgroundMean).map { $0 - $1 }
        separation = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        midpoint = zip(signalMean, backgroundMean).map { 0.5 * ($0 + $1) }
        guard separation > 0 else { throw NeymanError.invalid("the signal and background means coincide") }
    }

    /// The number of features.
    public var dimension: Int { signalMean.count }

    /// `Delta = mu_S - mu_B`.
    public let difference: [Double]

    /// `|Delta|`.
    public let separation: Double

    /// The midpoint `m = (mu_S + mu_B) / 2`.
    public let midpoint: [Double]

    /// The point `m + t u` on the line through both means, `t` from the midpoint (`t = ±|Delta|/2` at the means).
    public func point(t: Double) -> [Double] {
        let u = difference.map { $0 / separation }
        return zip(midpoint, u).map { $0 + t * $1 }
    }

    /// `t(x) = u . (x - m)`.
    public func coordinate(_ x: some Collection<Double>) -> Double {
        var s = 0.0
        for (k, v) in x.enumerated() { s += (v - midpoint[k]) * difference[k] }
        return s / separation
    }

    /// The exact `L_{S/B}(x) = exp(Delta . (x - m))`.
    public func ratio(_ x: some Collection<Double>) -> Double { exp(separation * coordinate(x)) }

    /// The optimal (supervised, infinite-statistics) AUC `Phi(|Delta| / sqrt 2)` (GSL's `gsl_cdf_ugaussian_P`).
    public var optimalAUC: Double { Normal.cdf(separation / 2.0.squareRoot()) }

    /// The probability of `|t| <= h` under the equal mixture of S and B: `Phi(h - |Delta|/2) - Phi(-h - |Delta|/2)`
    /// (the same under S and under B, by symmetry).
    public func slabProbability(halfWidth h: Double) -> Double {
        let c = separation / 2
        return Normal.cdf(h - c) - Normal.cdf(-h - c)
    }

    /// `n` events of one class, row-major `[n, dimension]`, each coordinate `mean_k + N(0, 1)` drawn in order.
    public func events(_ n: Int, signal: Bool, rng: RandomStream) -> [Double] {
        let mean = signal ? signalMean : backgroundMean
        var out = [Double]()
        out.reserveCapacity(max(n, 0) * dimension)
        for _ in 0..<max(n, 0) { for k in 0..<dimension { out.append(mean[k] + rng.normal()) } }
        return out
    }
}
