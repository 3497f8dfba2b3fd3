import Foundation
import NeymanCore

/// The AUC with a bootstrap uncertainty.
public struct BootstrapAUC: Sendable, Equatable {
    /// The AUC of the sample itself.
    public let auc: Double
    /// The standard deviation of the AUC over the bootstrap replicas (`n - 1` in the denominator).
    public let error: Double
    /// Replicas used (a replica in which a class has zero total weight is skipped).
    public let replicas: Int
}

extension ROC {
    /// AUC and its bootstrap standard error: `replicas` resamples of the events with replacement (each event keeps its
    /// signal and background weight), replica `i` drawn from `RandomStream(seed: seed, task: i)`, run through
    /// `deterministicParallelMap`; so the result depends only on the seed, never on `threads`.
    /// - Throws: as ``auc(scores:signalWeights:backgroundWeights:)``, and for `replicas < 2`, or when fewer than two
    ///   replicas have both classes.
    public static func bootstrapAUC(scores: [Double], signalWeights wS: [Double], backgroundWeights wB: [Double],
                                    replicas: Int, seed: UInt64, threads: Int? = nil) throws -> BootstrapAUC {
        guard replicas >= 2 else { throw NeymanError.invalid("need at least 2 bootstrap replicas, got \(replicas)", parameter: "bootstrap") }
        let central = try auc(scores: scores, signalWeights: wS, backgroundWeights: wB)
        let n = scores.count
        let values: [Double?] = try deterministicParallelMap(count: replicas, threads: threads) { i in
            let rng = RandomStream(seed: seed, task: UInt64(i))
            var s = [Double](repeating: 0, count: n), a = s, b = s
            for k in 0..<n {
                let j = rng.integer(below: n)
                s[k] = scores[j]; a[k] = wS[j]; b[k] = wB[j]
            }
            return try? auc(scores: s, signalWeights: a, backgroundWeights: b)
        }
        let ok = values.compactMap { $0 }
        guard ok.count >= 2 else {
            throw NeymanError.numericalFailure("fewer than two bootstrap replicas had both classes", parameter: "bootstrap")
        }
        return BootstrapAUC(auc: central, error: SampleSummary.standardDeviation(ok), replicas: ok.count)
    }
}
