import Foundation
import NeymanCore

// Classification without labels (CWoLa): Metodiev, Nachman, Thaler, JHEP 10 (2017) 174, arXiv:1708.02949;
// docs/formulas.md §1.
//
// Two mixed samples M1 and M2 hold the same two classes S and B with signal fractions f1 > f2:
//
//   p_M1 = f1 p_S + (1 - f1) p_B,     p_M2 = f2 p_S + (1 - f2) p_B
//
// so their ratio is a monotone increasing function of L_{S/B} = p_S / p_B:
//
//                   f1 L_{S/B} + 1 - f1                                  L_M (1 - f2) - (1 - f1)
//   L_{M1/M2}  =  -----------------------        and back:   L_{S/B} = -------------------------
//                   f2 L_{S/B} + 1 - f2                                     f1 - f2 L_M
//
// A classifier trained to separate M1 (label 1) from M2 (label 0) learns L_{M1/M2} (docs/formulas.md §1: s/(1-s) W_M2/W_M1);
// since every cut on a monotone function of L_{S/B} is a cut on L_{S/B}, it is the optimal S-vs-B classifier, learnt
// without a single S or B label. The fractions are needed only to turn its output back into L_{S/B}.

/// The signal fractions `f1 > f2` of two mixed samples, and the CWoLa map between the mixed-sample ratio
/// `L_{M1/M2}` and the signal-to-background ratio `L_{S/B}` (docs/formulas.md §1; Metodiev, Nachman, Thaler,
/// arXiv:1708.02949, eq. 2.3).
///
/// ```
///   L_M = (f1 L + 1 - f1) / (f2 L + 1 - f2)              L = (L_M (1 - f2) - (1 - f1)) / (f1 - f2 L_M)
///
///   L_M  ^                        f1/f2 .........        L_M runs over ((1-f1)/(1-f2), f1/f2) as L runs over
///        |                 _.-----------                 (0, inf): increasing, so the M1-vs-M2 classifier orders
///      1 +...........__.--'                              events exactly as the S-vs-B one does.
///        |     __.--'  :
///        |_.--'        :
///  (1-f1)/(1-f2)       1                      L
/// ```
///
/// The inverse amplifies errors: `dL/dL_M = (f1 - f2) / (f1 - f2 L_M)^2`, which is `1/(f1 - f2)` at `L = 1`, and
/// diverges as `L_M` approaches `f1/f2`. A learned `L_M` at or beyond `f1/f2` (which the mixtures cannot produce)
/// maps to `+inf`; one at or below `(1-f1)/(1-f2)` maps to 0.
public struct CWoLaFractions: Sendable, Equatable {
    /// The signal fraction of M1 (label 1).
    public let f1: Double
    /// The signal fraction of M2 (label 0).
    public let f2: Double

    /// - Throws: `NeymanError.invalid` naming the parameter if a fraction is not a finite number in [0, 1], or if
    ///   `f1 <= f2` (with equal fractions the two samples have the same density and nothing can be learnt; with
    ///   `f1 < f2` swap the samples).
    public init(f1: Double, f2: Double) throws {
        for (name, f) in [("f1", f1), ("f2", f2)] where !(f.isFinite && f >= 0 && f <= 1) {
            throw NeymanError.invalid("the signal fraction \(name) must be in [0, 1], got \(f)", parameter: name)
        }
        guard f1 > f2 else {
            throw NeymanError.invalid("CWoLa needs f1 > f2 (M1, label 1, must be the sample richer in signal), got f1 = \(f1), "
                                      + "f2 = \(f2)", parameter: "f1")
        }
        self.f1 = f1
        self.f2 = f2
    }

    /// The values `L_{M1/M2}` can take: `[(1-f1)/(1-f2), f1/f2]` (the upper end is `+inf` when `f2 = 0`).
    public var mixedRatioRange: ClosedRange<Double> {
        ((1 - f1) / (1 - f2))...(f2 > 0 ? f1 / f2 : .infinity)
    }

    /// `L_{M1/M2} = (f1 L + 1 - f1) / (f2 L + 1 - f2)` for a signal-to-background ratio `L >= 0`.
    ///
    /// `L = +inf` gives `f1/f2` (`+inf` when `f2 = 0`); a negative or NaN `L` (not a ratio of densities) gives NaN.
    @inlinable public func mixedRatio(signalRatio l: Double) -> Double {
        guard l >= 0 else { return .nan }
        if l == .infinity { return f2 > 0 ? f1 / f2 : .infinity }
        return (f1 * l + 1 - f1) / (f2 * l + 1 - f2)
    }

    /// `L_{S/B} = (L_M (1 - f2) - (1 - f1)) / (f1 - f2 L_M)` (``LikelihoodRatio/cwola(mixedRatio:f1:f2:)``).
    ///
    /// Exact inverse of ``mixedRatio(signalRatio:)`` on `[(1-f1)/(1-f2), f1/f2)`; below that range the result is
    /// clipped to 0, at or above `f1/f2` it is `+inf`; NaN stays NaN.
    public func signalRatio(mixedRatio lm: Double) -> Double {
        LikelihoodRatio.cwolaUnchecked(mixedRatio: lm, f1: f1, f2: f2)
    }
}

/// Two mixed samples labelled by their sample of origin, ready for training: M1 -> label 1 (class A, the numerator
/// of the learnt ratio), M2 -> label 0 (class B), so that the trained network's `s/(1-s) W_M2/W_M1` estimates
/// `L_{M1/M2} = p_M1 / p_M2` (docs/formulas.md §1; CWoLa, arXiv:1708.02949).
///
/// The samples may differ in size and carry per-event weights (any sign, e.g. generator weights); the class sums of
/// weights `W_M1`, `W_M2` that ``CWoLaRatio`` divides out are those the ``Trainer`` records on its training part.
/// The true signal fractions are optional: without them the network is still the optimal S-vs-B classifier (any
/// cut on it is a cut on `L_{S/B}`), but ``CWoLaRatio/signalRatio(score:)`` cannot convert it back.
///
/// ```swift
/// let samples = try CWoLaSamples(mixed1: x1, mixed2: x2, featureCount: 2, fractions: CWoLaFractions(f1: 0.8, f2: 0.2))
/// let net = try Network.dense(inputs: 2, hidden: [32, 32], seed: 1)
/// let (ratio, _) = try samples.train(net, options: TrainerSettings())
/// let lsb = try ratio.signalRatio(score: Double(net.score(x, rows: 1)[0]))
/// ```
public struct CWoLaSamples {
    /// M1 then M2, labels 1 and 0, with their weights (1 where none were given).
    public let trainingData: LabelledEvents
    /// Events in M1 and in M2.
    public let counts: (m1: Int, m2: Int)
    /// The true signal fractions, when known.
    public let fractions: CWoLaFractions?

    /// - Parameters:
    ///   - mixed1, mixed2: row-major features, `featureCount` values per event.
    ///   - weights1, weights2: optional per-event weights; each sample's total must be positive.
    ///   - fractions: the true signal fractions `f1 > f2`, if known.
    /// - Throws: `NeymanError.invalid` naming the sample (`M1`, `M2`) for an empty sample, a feature array whose length
    ///   is not a multiple of `featureCount`, a weight array of the wrong length, a non-finite weight, or a total weight
    ///   that is not positive; and as ``LabelledEvents/init(features:labels:weights:featureCount:)`` for non-finite features.
    public init(mixed1: [Float], mixed2: [Float], featureCount: Int, weights1: [Float]? = nil, weights2: [Float]? = nil,
                fractions: CWoLaFractions? = nil) throws {
        guard featureCount > 0 else {
            throw NeymanError.invalid("the number of features per event must be positive, got \(featureCount)", parameter: "featureCount")
        }
        var counts: [Int] = []
        for (name, x, w) in [("M1", mixed1, weights1), ("M2", mixed2, weights2)] {
            guard !x.isEmpty else { throw NeymanError.invalid("the mixed sample \(name) is empty", parameter: name) }
            guard x.count % featureCount == 0 else {
                throw NeymanError.invalid("the mixed sample \(name) has \(x.count) feature values, not a multiple of \(featureCount) "
                                          + "features per event", parameter: name)
            }
            let n = x.count / featureCount
            if let w {
                guard w.count == n else {
                    throw NeymanError.invalid("\(w.count) weights for the \(n) events of the mixed sample \(name)", parameter: name)
                }
                if let i = w.firstIndex(where: { !$0.isFinite }) {
                    throw NeymanError.invalid("weight of event \(i) of the mixed sample \(name) is not finite", parameter: name)
                }
                let total = w.reduce(0.0) { $0 + Double($1) }
                guard total > 0 else {
                    throw NeymanError.invalid("the weights of the mixed sample \(name) sum to \(total); the total must be positive",
                                              parameter: name)
                }
            }
            counts.append(n)
        }
        let (n1, n2) = (counts[0], counts[1])
        let labels = [Float](repeating: 1, count: n1) + [Float](repeating: 0, count: n2)
        let weights: [Float]? = (weights1 == nil && weights2 == nil)
            ? nil : (weights1 ?? [Float](repeating: 1, count: n1)) + (weights2 ?? [Float](repeating: 1, count: n2))
        trainingData = try LabelledEvents(features: mixed1 + mixed2, labels: labels, weights: weights, featureCount: featureCount)
        self.counts = (n1, n2)
        self.fractions = fractions
    }

    /// Trains `network` on M1 (label 1) vs M2 (label 0) with ``Trainer`` and returns the ratio read-out with the
    /// class weights the trainer recorded, and the training history.
    /// - Throws: as ``Trainer/train(_:)`` (e.g. a feature count that does not match the network) and
    ///   ``CWoLaRatio/init(network:fractions:)``.
    public func train(_ network: Network, options: TrainerSettings) throws -> (ratio: CWoLaRatio, history: [EpochRecord]) {
        let history = try Trainer(network: network, options: options).train(trainingData)
        return (try CWoLaRatio(network: network, fractions: fractions), history)
    }
}

/// The read-out of a classifier trained on M1 (label 1) vs M2 (label 0) (docs/formulas.md §1; arXiv:1708.02949):
///
/// ```
///   L_{M1/M2}(x) = s/(1-s) * W_M2/W_M1                                    (the plain ratio of ``LikelihoodRatio``)
///   L_{S/B}(x)   = (L_M (1 - f2) - (1 - f1)) / (f1 - f2 L_M)              (when the fractions f1 > f2 are known)
/// ```
/// `W_M1`, `W_M2` are the training sums of weights of M1 and M2. The score `s` itself (or either ratio) is already the
/// optimal S-vs-B discriminant; the conversions matter when the ratio enters a likelihood.
public struct CWoLaRatio: Sendable {
    /// `s/(1-s) * W_M2/W_M1`.
    public let classifier: LikelihoodRatio
    /// The true signal fractions, when known.
    public let fractions: CWoLaFractions?

    /// - Throws: if a class weight is not positive and finite.
    public init(classWeightM1: Double, classWeightM2: Double, fractions: CWoLaFractions? = nil) throws {
        classifier = try LikelihoodRatio(classWeightA: classWeightM1, classWeightB: classWeightM2)
        self.fractions = fractions
    }

    /// From a network trained on M1 (label 1) vs M2 (label 0), with its stored class weights.
    /// - Throws: if the network was trained with the `ratio` loss (its output is a ratio, not a classifier score:
    ///   use it as `L_M` directly with ``CWoLaFractions/signalRatio(mixedRatio:)``), or its class weights are not positive.
    public init(network: Network, fractions: CWoLaFractions? = nil) throws {
        guard network.lossKind.outputIsLogit else {
            throw NeymanError.invalid("the network was trained with the ratio loss: its output is L_M itself, not a score; "
                                      + "convert it with CWoLaFractions.signalRatio(mixedRatio:)", parameter: "network")
        }
        try self.init(classWeightM1: network.classWeights.a, classWeightM2: network.classWeights.b, fractions: fractions)
    }

    /// `L_{M1/M2} = s/(1-s) * W_M2/W_M1`; `+inf` at `s = 1`.
    @inlinable public func mixedRatio(score s: Double) -> Double { classifier.ratio(score: s) }

    /// `L_{S/B}` from the score through ``mixedRatio(score:)`` and ``CWoLaFractions/signalRatio(mixedRatio:)``.
    /// - Throws: if the fractions are unknown.
    public func signalRatio(score s: Double) throws -> Double {
        guard let f = fractions else {
            throw NeymanError.invalid("the signal fractions f1, f2 of the mixed samples are needed to convert L_{M1/M2} into L_{S/B}",
                                      parameter: "fractions")
        }
        return f.signalRatio(mixedRatio: mixedRatio(score: s))
    }
}
