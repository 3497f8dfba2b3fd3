import Foundation
import NeymanCore

/// Turns classifier scores into likelihood ratios (docs/formulas.md §1; guide §3.2 and appendix A).
///
/// ```
///   plain:        r(x) = s / (1 - s) * W_B / W_A                                  (s -> p(A|x) under BCE or MSE)
///   mixture:      lambda(x) = p_{S+B}/p_B = alpha r_{S/B}(x) + (1 - alpha),  alpha = S / (S + B)
///   CWoLa:        L_{S/B} = (L_M (1 - f2) - (1 - f1)) / (f1 - f2 L_M)    for mixed samples with f1 > f2
///   calibrated:   r(s) = [h_A(s) / W_A] / [h_B(s) / W_B]  from histograms of s on held-out data
///                 (Cranmer, Pavez, Louppe, arXiv:1506.02169)
/// ```
/// `W_A`, `W_B` are the training sums of weights of class A (label 1) and class B (label 0).
public struct LikelihoodRatio: Sendable {
    public let classWeightA: Double
    public let classWeightB: Double

    public init(classWeightA: Double, classWeightB: Double) throws {
        guard classWeightA > 0, classWeightB > 0, classWeightA.isFinite, classWeightB.isFinite else {
            throw NeymanError.invalid("class weights must be positive (W_A = \(classWeightA), W_B = \(classWeightB))")
        }
        self.classWeightA = classWeightA
        self.classWeightB = classWeightB
    }

    /// From a network's stored training class weights.
    public init(network: Network) throws {
        try self.init(classWeightA: network.classWeights.a, classWeightB: network.classWeights.b)
    }

    /// `s/(1-s) * W_B/W_A`; `+inf` at `s = 1`.
    @inlinable public func ratio(score s: Double) -> Double {
        s >= 1 ? .infinity : max(s, 0) / (1 - s) * classWeightB / classWeightA
    }

    /// The ratio of the (S+B) and B densities from a ratio of S to B: `alpha r + (1 - alpha)`.
    @inlinable public static func mixture(ratioSB r: Double, signalFraction alpha: Double) -> Double {
        alpha * r + (1 - alpha)
    }

    /// CWoLa: the signal-to-background ratio from the ratio `lm` of two mixed samples with signal fractions
    /// `f1 > f2`. Outside the range the mixtures can produce (`lm` not in `((1-f1)/(1-f2), f1/f2)`) the result is
    /// clipped to `[0, inf)`; a NaN `lm` gives NaN. See also ``CWoLaFractions`` and ``CWoLaRatio``.
    public static func cwola(mixedRatio lm: Double, f1: Double, f2: Double) throws -> Double {
        guard f1 > f2, f1 <= 1, f2 >= 0 else {
            throw NeymanError.invalid("CWoLa needs signal fractions 0 <= f2 < f1 <= 1, got f1 = \(f1), f2 = \(f2)")
        }
        return cwolaUnchecked(mixedRatio: lm, f1: f1, f2: f2)
    }

    /// ``cwola(mixedRatio:f1:f2:)`` for fractions already checked (``CWoLaFractions``).
    static func cwolaUnchecked(mixedRatio lm: Double, f1: Double, f2: Double) -> Double {
        if lm.isNaN { return .nan }
        let den = f1 - f2 * lm
        if den <= 0 { return .infinity }
        return max(0, (lm * (1 - f2) - (1 - f1)) / den)
    }
}

/// A histogram calibration of scores into density ratios on held-out data.
///
/// The score range is cut into `bins` equal-population bins of the combined held-out sample (quantiles), and each bin
/// gets `r = (w_A(bin) / W_A) / (w_B(bin) / W_B)`. Needed when the network is not exactly optimal
/// (Cranmer, Pavez, Louppe, arXiv:1506.02169).
public struct RatioCalibration: Sendable {
    /// Upper edges of the bins (the last is `+inf`).
    public let edges: [Double]
    /// The ratio in each bin.
    public let ratios: [Double]

    /// - Throws: if a class has no weight or `bins < 1`.
    public init(scores: [Double], labels: [Double], weights: [Double]? = nil, bins: Int = 20) throws {
        guard bins >= 1, !scores.isEmpty, scores.count == labels.count, weights.map({ $0.count == scores.count }) ?? true else {
            throw NeymanError.invalid("calibration needs events, matching scores, labels and weights, and at least one bin")
        }
        let sorted = scores.sorted()
        var edges: [Double] = []
        for k in 1..<bins {
            let e = sorted[min(sorted.count - 1, k * sorted.count / bins)]
            if edges.last.map({ e > $0 }) ?? true { edges.append(e) }
        }
        edges.append(.infinity)
        var wa = [Double](repeating: 0, count: edges.count), wb = wa
        var ta = 0.0, tb = 0.0
        for i in 0..<scores.count {
            let b = RatioCalibration.bin(scores[i], edges)
            let w = weights?[i] ?? 1
            if labels[i] > 0.5 { wa[b] += w; ta += w } else { wb[b] += w; tb += w }
        }
        guard ta > 0, tb > 0 else { throw NeymanError.invalid("calibration needs weight in both classes") }
        self.edges = edges
        ratios = (0..<edges.count).map { b in wb[b] > 0 ? (wa[b] / ta) / (wb[b] / tb) : .infinity }
    }

    static func bin(_ s: Double, _ edges: [Double]) -> Int {
        var lo = 0, hi = edges.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if s < edges[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The calibrated ratio at score `s`.
    public func ratio(score s: Double) -> Double { ratios[RatioCalibration.bin(s, edges)] }
}

extension Network {
    /// Classifier scores and likelihood ratios of `rows` events (docs/formulas.md §1): for `bce`/`mse` networks
    /// `s = sigmoid(z)` and `r = s/(1-s) * W_B/W_A`; for the `ratio` loss the network's output is `r = f` itself and
    /// `s = f/(1+f)`. Scores are rounded to their shortest `Float` representation (the precision the network has).
    /// - Throws: if the stored class weights cannot define a ratio (a model saved without them).
    public func scoresAndRatios(_ features: [Float], rows: Int) throws -> (scores: [Double], ratios: [Double]) {
        let out = score(features, rows: rows).map { Double(String($0)) ?? Double($0) }
        if lossKind.outputIsLogit {
            let lr = try LikelihoodRatio(network: self)
            return (out, out.map { lr.ratio(score: $0) })
        }
        return (out.map { $0 / (1 + $0) }, out)
    }
}
