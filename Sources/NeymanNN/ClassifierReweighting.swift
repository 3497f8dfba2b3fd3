import Foundation
import NeymanCore
import NeymanStats

/// Classifier reweighting of one sample (the *source*, e.g. the nominal simulation) to another (the *target*, e.g. a
/// systematically varied simulation) in any number of dimensions (guide §4.3; Rogozhnikov, arXiv:1608.05806; Cranmer,
/// Pavez & Louppe, arXiv:1506.02169).
///
/// A classifier trained to separate target (label 1) from source (label 0) gives, through the likelihood-ratio trick
/// (docs/formulas.md §1), `r(x) = p_target(x) / p_source(x) = s / (1 - s) * W_source / W_target`; weighting every
/// source event by it makes the source distributed like the target in all the classifier's inputs at once:
/// ```
///   w'_i = c * w_i * min(r(x_i), r_max)     c such that sum_i w'_i = sum_i w_i
/// ```
/// (the normalisation keeps the source's sum of weights: a rate difference between the samples is a separate,
/// normalisation systematic). The ratio of each source event comes from a network that did not train on it:
/// stratified k-fold over source and target together (``KFold``), fold `f` scored by the network trained on the
/// other folds with seed `mixSeed(seed, f + 1)`, so that a network's memorised fluctuations do not leak into the
/// weights. `r_max` (optional) clips the ratio where the target populates a region the source barely does; the
/// weights there are the reweighting's weak point, and `effectiveSize` of the result tells how much it costs.
public struct ClassifierReweighting {
    /// The network and training settings.
    public struct Settings: Sendable {
        /// Hidden layer widths of the dense network.
        public var hidden: [Int] = [64, 64]
        /// The trainer's settings (epochs, batch size, learning rate, early stopping, seed). The loss is BCE.
        public var training = TrainerSettings()
        /// Folds (>= 2): each source event's ratio comes from the network trained without its fold.
        public var folds = 2
        /// Clip the ratio at this value; `nil` = no clipping.
        public var maxRatio: Double? = nil
        /// Defaults: two hidden layers of 64, 30 epochs, batch 512, two folds, no clipping.
        public init() {
            training.epochs = 30
            training.batchSize = 512
        }
    }

    /// The new weights of the source events (normalised to the source's sum of weights).
    public let weights: [Double]
    /// Each source event's ratio `r(x_i)` before clipping, from the network that did not see it.
    public let ratios: [Double]
    /// The held-out AUC of target against source in each fold (0.5: the classifier cannot tell them apart).
    public let foldAUC: [Double]
    /// How many source events had their ratio clipped at `maxRatio`.
    public let clippedCount: Int
    /// The epochs each fold's network trained (early stopping ends a training before `epochs`).
    public let epochsRun: [Int]
    /// The fold networks (network `f` trained without fold `f`).
    public let networks: [Network]

    /// Trains the classifiers and reweights the source.
    /// - Parameters:
    ///   - source: the source's columns (`source[a][i]`: column `a`, event `i`), at least one.
    ///   - sourceWeights: the source's weights (`>= 0`), or `nil` for 1.
    ///   - target: the target's columns, the same number.
    ///   - targetWeights: the target's weights (`>= 0`), or `nil` for 1.
    ///   - progress: called with a line before each fold's training (for a progress display).
    /// - Throws: ``NeymanError``: no columns, columns of unequal length, a value that is not finite (naming
    ///   `parameter: "source"` or `"target"` and the event), settings out of their domain, or a trained network
    ///   whose ratio is not finite.
    public init(source: [[Double]], sourceWeights: [Double]?, target: [[Double]], targetWeights: [Double]?,
                settings: Settings, progress: ((String) -> Void)? = nil) throws {
        let d = source.count
        guard d >= 1, target.count == d else {
            throw NeymanError.invalid("the source has \(d) column(s), the target \(target.count); give the same columns, at least one")
        }
        guard settings.folds >= 2 else { throw NeymanError.invalid("needs at least 2 folds, got \(settings.folds)", parameter: "folds") }
        if let m = settings.maxRatio, !(m.isFinite && m > 0) {
            throw NeymanError.invalid("must be positive and finite, got \(m)", parameter: "max-ratio")
        }
        guard !settings.hidden.isEmpty, settings.hidden.allSatisfy({ $0 > 0 }) else {
            throw NeymanError.invalid("hidden layer widths must be positive, got \(settings.hidden)", parameter: "layers")
        }
        try settings.training.validate()
        let nS = source[0].count, nT = target[0].count
        for (name, columns, n) in [("source", source, nS), ("target", target, nT)] {
            guard columns.allSatisfy({ $0.count == n }) else { throw NeymanError.invalid("columns of unequal length", parameter: name) }
            for (a, c) in columns.enumerated() {
                if let i = c.firstIndex(where: { !$0.isFinite }) {
                    throw NeymanError.invalid("value \(c[i]) of column \(a + 1), event \(i), is not finite", parameter: name)
                }
            }
        }
        if let w = sourceWeights, w.count != nS { throw NeymanError.invalid("\(w.count) weights for \(nS) events", parameter: "source") }
        if let w = targetWeights, w.count != nT { throw NeymanError.invalid("\(w.count) weights for \(nT) events", parameter: "target") }
        let wS = sourceWeights ?? [Double](repeating: 1, count: nS), wT = targetWeights ?? [Double](repeating: 1, count: nT)

        // Events: source rows 0 ..< nS (label 0), then target rows (label 1).
        let n = nS + nT
        var x = [Float](repeating: 0, count: n * d)
        for a in 0..<d {
            for i in 0..<nS { x[i * d + a] = Float(source[a][i]) }
            for i in 0..<nT { x[(nS + i) * d + a] = Float(target[a][i]) }
        }
        let labels = [Float](repeating: 0, count: nS) + [Float](repeating: 1, count: nT)
        let all = try LabelledEvents(features: x, labels: labels, weights: (wS + wT).map(Float.init), featureCount: d)
        let folds = try KFold.stratified(labels: labels, k: settings.folds, seed: settings.training.seed)
        var foldOf = [Int](repeating: 0, count: n)
        for (f, rows) in folds.enumerated() { for r in rows { foldOf[r] = f } }

        var ratios = [Double](repeating: .nan, count: nS)
        var aucs: [Double] = [], epochs: [Int] = [], networks: [Network] = []
        for (f, heldOut) in folds.enumerated() {
            progress?("fold \(f + 1)/\(settings.folds): training on \(n - heldOut.count) events")
            var o = settings.training
            o.seed = RandomStream.mixSeed(settings.training.seed, UInt64(f + 1))
            o.loss = .bce
            let net = try Network.dense(inputs: d, hidden: settings.hidden, activation: .relu, dropout: 0, initializer: .glorotNormal,
                                        seed: o.seed, lossKind: .bce)
            epochs.append(try Trainer(network: net, options: o).train(all.subset((0..<n).filter { foldOf[$0] != f })).count)
            networks.append(net)
            let held = all.subset(heldOut)
            let (s, r) = try net.scoresAndRatios(held.features, rows: held.count)
            aucs.append(try ROC.auc(scores: s, labels: held.labels.map(Double.init), weights: held.weights.map(Double.init)))
            for (k, row) in heldOut.enumerated() where row < nS {
                guard r[k].isFinite, r[k] >= 0 else {
                    throw NeymanError.numericalFailure("the classifier's ratio for source event \(row) is \(r[k]) (its score rounds to 1); "
                                                       + "clip it with --max-ratio or train with fewer epochs", parameter: "source")
                }
                ratios[row] = r[k]
            }
        }
        var clipped = 0
        var w = [Double](repeating: 0, count: nS)
        for i in 0..<nS {
            var r = ratios[i]
            if let m = settings.maxRatio, r > m { r = m; clipped += 1 }
            w[i] = wS[i] * r
        }
        let before = wS.reduce(0, +), after = w.reduce(0, +)
        guard after > 0, after.isFinite else {
            throw NeymanError.numericalFailure("the reweighted source has total weight \(after); the classifier gives r = 0 everywhere")
        }
        let c = before / after
        self.weights = w.map { $0 * c }
        self.ratios = ratios
        self.foldAUC = aucs
        self.clippedCount = clipped
        self.epochsRun = epochs
        self.networks = networks
    }

    /// `r(x) = p_target(x) / p_source(x)` of other events (`columns[a][i]`: column `a`, event `i`; the columns the
    /// networks were trained on, in that order): the mean of the fold networks' ratios.
    /// - Throws: ``NeymanError`` if the number of columns differs or a value is not finite.
    public func ratios(for columns: [[Double]]) throws -> [Double] {
        guard let first = networks.first, columns.count == first.inputSize, let n = columns.first?.count else {
            throw NeymanError.invalid("\(columns.count) columns for networks of \(networks.first?.inputSize ?? 0) inputs")
        }
        let d = columns.count
        var x = [Float](repeating: 0, count: n * d)
        for (a, c) in columns.enumerated() {
            guard c.count == n else { throw NeymanError.invalid("columns of unequal length") }
            for i in 0..<n {
                guard c[i].isFinite else { throw NeymanError.invalid("value \(c[i]) of column \(a + 1), event \(i), is not finite") }
                x[i * d + a] = Float(c[i])
            }
        }
        var sum = [Double](repeating: 0, count: n)
        for net in networks {
            let r = try net.scoresAndRatios(x, rows: n).ratios
            for i in 0..<n { sum[i] += r[i] }
        }
        return sum.map { $0 / Double(networks.count) }
    }
}
