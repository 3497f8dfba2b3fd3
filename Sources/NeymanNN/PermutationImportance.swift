import Foundation
import NeymanCore
import NeymanStats

/// Permutation feature importance (Breiman, Mach. Learn. 45 (2001) 5; ATLAS prompt-vs-tau-muon talk, slide 7): shuffle
/// one feature across the evaluation set, keep the others, and measure how much the classifier's AUC drops.
///
/// ```
///   AUC                 the AUC of the unshuffled events (weighted, ROC.auc)
///   d_jr = AUC - AUC_jr the drop when feature j is shuffled with permutation r = 1..K
///   D_j  = mean_r d_jr, with error  sigma_j = sd_r(d_jr) sqrt(1 + 1/K)   (sd with K - 1)
///   Dbar = (1/F) sum_j D_j                                               (the mean drop of the F features)
///   importance_j = D_j / Dbar,   importance_error_j = sigma_j / Dbar
/// ```
/// The normalisation is the talk's: "AUC unshuffled - AUC_j shuffled, normalized by the mean of all eight feature
/// importances", so the importances average 1 (Dbar's own fluctuation is not propagated into the errors).
///
/// The error: if feature `j` carries no information (independent of the label and of the other features),
/// shuffling it leaves the distribution of the events unchanged, so the unshuffled AUC is one more draw from the
/// distribution of the shuffled ones: `D_j = AUC - mean_r AUC_jr` has variance `s^2 (1 + 1/K)`, `s^2` the variance
/// of the shuffled AUCs (estimated by the spread of the drops). The standard error of the mean alone, `s / sqrt(K)`,
/// would miss the fluctuation of the unshuffled AUC, and a network that has learned a little noise from such a
/// feature would show a "significant" drop of either sign. (scikit-learn's `importances_std` is `s`.) A feature the
/// classifier ignores has `d_jr = 0` exactly; an uninformative one it uses a little has drops compatible with 0.
///
/// Determinism: the permutation of feature `j` in repeat `r` (0-based) is `RandomStream(seed, task: r F + j)
/// .permutation(n)`, applied as `x'_ij = x_{perm[i], j}`; features and repeats are scored in that order, so the
/// result depends on the seed only.
public struct PermutationImportance: Sendable, Equatable {
    /// The unshuffled AUC.
    public let auc: Double
    /// `drops[j][r]`: the AUC drop of feature `j` in repeat `r`.
    public let drops: [[Double]]
    /// `D_j`, the mean drop of each feature.
    public let meanDrop: [Double]
    /// `sigma_j = sd_r(d_jr) sqrt(1 + 1/K)`, the error of `D_j` (see the type's documentation).
    public let meanDropError: [Double]
    /// `Dbar`, the mean of `D_j` over the features.
    public let normalisation: Double

    /// `D_j / Dbar` (NaN when `Dbar` is not positive: no feature matters on these events).
    public var importance: [Double] { meanDrop.map { normalisation > 0 ? $0 / normalisation : .nan } }
    /// `sigma_j / Dbar` (NaN when `Dbar` is not positive).
    public var importanceError: [Double] { meanDropError.map { normalisation > 0 ? $0 / normalisation : .nan } }

    /// The importances of a classifier given as a function from a row-major `[rows, featureCount]` Float matrix to one
    /// score per row (any monotone score: the AUC depends on the order only).
    /// - Parameters:
    ///   - labels: 1 = signal, 0 = background (``ROC/auc(scores:labels:weights:)``: `label > 0.5` is signal).
    ///   - weights: per-event weights (default 1).
    ///   - repeats: `K >= 2` permutations per feature.
    /// - Throws: ``NeymanError`` for a matrix whose size is not `labels.count * featureCount`, fewer than 2 repeats or
    ///   features below 1, or an AUC that cannot be computed (a class without weight, non-finite scores).
    public static func compute(features: [Float], featureCount f: Int, labels: [Double], weights: [Double]? = nil,
                               repeats: Int, seed: UInt64, score: ([Float], Int) throws -> [Double]) throws -> PermutationImportance {
        let n = labels.count
        guard f >= 1, features.count == n * f else {
            throw NeymanError.invalid("\(features.count) feature values for \(n) events of \(f) features", parameter: "features")
        }
        guard repeats >= 2 else { throw NeymanError.invalid("must be at least 2 for an error (got \(repeats))", parameter: "repeats") }
        let auc = try ROC.auc(scores: try score(features, n), labels: labels, weights: weights)
        var drops = [[Double]](repeating: [], count: f)
        var shuffled = features
        for r in 0..<repeats {
            for j in 0..<f {
                let perm = RandomStream(seed: seed, task: UInt64(r) &* UInt64(f) &+ UInt64(j)).permutation(n)
                for i in 0..<n { shuffled[i * f + j] = features[perm[i] * f + j] }
                drops[j].append(auc - (try ROC.auc(scores: try score(shuffled, n), labels: labels, weights: weights)))
                for i in 0..<n { shuffled[i * f + j] = features[i * f + j] }
            }
        }
        let k = Double(repeats)
        let mean = drops.map { $0.reduce(0, +) / k }
        let error = zip(drops, mean).map { d, m in (d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (k - 1) * (1 + 1 / k)).squareRoot() }
        return PermutationImportance(auc: auc, drops: drops, meanDrop: mean, meanDropError: error,
                                     normalisation: mean.reduce(0, +) / Double(f))
    }

    /// The importances of `network`'s inputs (its raw outputs as the score; the network's own feature order).
    public static func compute(network: Network, features: [Float], labels: [Double], weights: [Double]? = nil,
                               repeats: Int, seed: UInt64) throws -> PermutationImportance {
        try compute(features: features, featureCount: network.inputSize, labels: labels, weights: weights, repeats: repeats, seed: seed) { x, rows in
            network.predictRaw(x, rows: rows).map(Double.init)
        }
    }
}
