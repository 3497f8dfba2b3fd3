import Foundation
import NeymanCore

/// Weights that make a source sample `P` distributed like a target sample `Q` in a few variables (say `(pT, eta)`),
/// by the ratio of two Gaussian kernel density estimates (``GaussianKDE``), each with its own bandwidth matrix
/// `H = factor² Σ` (Scott's rule by default, as `scipy.stats.gaussian_kde`):
///
/// ```
///   w'_i = c * w_i * q^(x_i) / p^(x_i),        c = sum_i w_i / sum_i w_i q^(x_i) / p^(x_i)
/// ```
///
/// for every source event `x_i` with input weight `w_i` (1 when not given); `p^` is the KDE of `P` (with its
/// weights), `q^` that of `Q`. The new weights sum to the source's input weights (the *sum rule*), so a weighted
/// histogram of `P` estimates `Q`'s distribution scaled to `P`'s total. `p^(x_i)` includes event `i`'s own kernel
/// (as scipy's `kde(P)(P)`), so it is positive for every event of positive weight; events of weight 0 keep weight 0.
/// Where `Q` has no event within the cutoff radius, `q^ = 0` and the event gets weight 0.
///
/// Accuracy: both densities are truncated sums (``GaussianKDE``; relative error at most `n_P exp(-R²/2)` for
/// `p^(x_i)`, about 1e-9 at `n = 10^5` with `R = 8`); `q^(x_i)` has an absolute error below
/// `exp(-R²/2) K0_Q`. As a density-ratio estimate it is biased by the smoothing (each density is convolved with its
/// kernel), which the statistical tests of the method quantify; it is not a classifier-based ratio.
///
/// See also: ``HistogramReweighting`` (binned flattening and matching).
public struct KernelDensityReweighting: Sendable {
    /// The new per-event weights `w'_i` of the source events (they include the input weights).
    public let weights: [Double]
    /// `p^(x_i)`, the source's density at each source event.
    public let sourceDensity: [Double]
    /// `q^(x_i)`, the target's density at each source event.
    public let targetDensity: [Double]
    /// The source's KDE.
    public let source: GaussianKDE
    /// The target's KDE.
    public let target: GaussianKDE

    /// Kish's effective sample size of the new weights, see ``SampleWeights/effectiveSize(_:)``.
    public var effectiveSize: Double { SampleWeights.effectiveSize(weights) }

    /// Computes the weights.
    ///
    /// - Parameters:
    ///   - source: the sample to reweight, as columns (`source[a][i]` = coordinate `a` of event `i`).
    ///   - sourceWeights: its input weights (finite, `>= 0`, positive sum), or `nil`.
    ///   - target: the sample to match, with the same columns.
    ///   - targetWeights: its weights, or `nil`.
    ///   - bandwidth: the factor rule for both estimates (Scott's by default).
    ///   - cutoffRadius: the truncation radius in bandwidths (default 8).
    ///   - columnNames: column names for error messages.
    ///   - threads: threads for the density sums (default: all cores); the weights do not depend on it.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the sample (`source` or `target`), column and event, as
    ///   ``GaussianKDE/init(_:weights:bandwidth:cutoffRadius:sample:columnNames:)``; when the samples have
    ///   different numbers of columns; and when `q^` is 0 at every source event of positive weight (no overlap).
    public init(source: [[Double]], sourceWeights: [Double]? = nil, target: [[Double]], targetWeights: [Double]? = nil,
                bandwidth: GaussianKDE.Bandwidth = .scott, cutoffRadius: Double = 8, columnNames: [String]? = nil,
                threads: Int? = nil) throws {
        guard source.count == target.count else {
            throw NeymanError.invalid("the target has \(target.count) columns but the source has \(source.count)",
                                      parameter: "target")
        }
        let p = try GaussianKDE(source, weights: sourceWeights, bandwidth: bandwidth, cutoffRadius: cutoffRadius,
                                sample: "source", columnNames: columnNames)
        let q = try GaussianKDE(target, weights: targetWeights, bandwidth: bandwidth, cutoffRadius: cutoffRadius,
                                sample: "target", columnNames: columnNames)
        let pHat = try p.density(at: source, threads: threads)
        let qHat = try q.density(at: source, threads: threads)
        let w = sourceWeights ?? [Double](repeating: 1, count: p.count)
        var raw = [Double](repeating: 0, count: w.count)
        for i in raw.indices where w[i] > 0 {
            // p^(x_i) holds event i's own kernel, so it is positive; a failure here would be a bug, not bad input.
            guard pHat[i] > 0 else {
                throw NeymanError.numericalFailure("the source density at event \(i) (0-based) is \(pHat[i])", parameter: "source")
            }
            raw[i] = w[i] * qHat[i] / pHat[i]
        }
        let sumRaw = raw.reduce(0, +)
        guard sumRaw > 0 else {
            throw NeymanError.invalid("the samples do not overlap: the target's density is 0 (beyond \(cutoffRadius) "
                                      + "bandwidths) at every source event", parameter: "target")
        }
        let c = w.reduce(0, +) / sumRaw
        self.weights = raw.map { $0 * c }
        self.sourceDensity = pHat
        self.targetDensity = qHat
        self.source = p
        self.target = q
    }
}
