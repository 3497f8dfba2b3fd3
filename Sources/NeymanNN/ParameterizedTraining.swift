import Foundation
import NeymanCore

/// Training sets for parameterized networks `f(x, theta)` (Baldi, Cranmer, Faucett, Sadowski, Whiteson,
/// arXiv:1601.07913): class-A events generated at a grid of parameter values carry their `theta` as an extra input;
/// class-B events, which do not depend on `theta`, get values drawn uniformly from the same grid, so that `theta`
/// alone does not separate the classes and the network learns `p_A(x | theta) / p_B(x)` as a smooth function of
/// `theta` that interpolates between grid points.
public enum ParameterizedTraining {
    /// Builds the training set.
    ///
    /// - Parameters:
    ///   - signal: for each grid value `theta`, the class-A feature rows at that value (row-major, `featureCount` each).
    ///   - background: class-B feature rows.
    ///   - featureCount: features per event (without `theta`).
    ///   - seed: the stream that assigns `theta` values to background events.
    /// - Returns: data with `featureCount + thetaCount` features per event, `theta` last.
    public static func build(signal: [(theta: [Float], features: [Float])], background: [Float], featureCount: Int,
                             seed: UInt64) throws -> LabelledEvents {
        guard !signal.isEmpty else { throw NeymanError.invalid("no grid points for the parameterized training set") }
        let tCount = signal[0].theta.count
        guard signal.allSatisfy({ $0.theta.count == tCount && $0.features.count % featureCount == 0 }), featureCount > 0,
              background.count % featureCount == 0 else {
            throw NeymanError.invalid("inconsistent sizes in the parameterized training set")
        }
        let width = featureCount + tCount
        var x: [Float] = [], y: [Float] = []
        for point in signal {
            let n = point.features.count / featureCount
            for r in 0..<n {
                x.append(contentsOf: point.features[(r * featureCount)..<((r + 1) * featureCount)])
                x.append(contentsOf: point.theta)
                y.append(1)
            }
        }
        let rng = RandomStream(seed: seed)
        let nb = background.count / featureCount
        for r in 0..<nb {
            x.append(contentsOf: background[(r * featureCount)..<((r + 1) * featureCount)])
            x.append(contentsOf: signal[rng.integer(below: signal.count)].theta)
            y.append(0)
        }
        return try LabelledEvents(features: x, labels: y, featureCount: width)
    }
}

/// Stratified k-fold splits: each fold holds (as nearly as possible) the same fraction of each class, events
/// assigned by a seeded shuffle within each class.
public enum KFold {
    /// `k` disjoint folds of row indices (each sorted) covering `0..<labels.count`.
    public static func stratified(labels: [Float], k: Int, seed: UInt64) throws -> [[Int]] {
        guard k >= 2 else { throw NeymanError.invalid("k-fold needs k >= 2, got \(k)") }
        guard labels.count >= k else { throw NeymanError.invalid("\(labels.count) events cannot make \(k) folds") }
        var folds = [[Int]](repeating: [], count: k)
        for (c, cls) in [Float(1), 0].enumerated() {
            let rows = labels.indices.filter { labels[$0] == cls }
            let perm = RandomStream(seed: seed, task: UInt64(c)).permutation(rows.count)
            // Continue the round robin across classes so fold sizes stay balanced.
            let offset = c == 0 ? 0 : labels.filter { $0 == 1 }.count % k
            for (i, p) in perm.enumerated() { folds[(i + offset) % k].append(rows[p]) }
        }
        return folds.map { $0.sorted() }
    }
}
