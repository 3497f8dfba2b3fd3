import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// An architecture and its training settings, read from a study file's `[networks.<name>]` table: `kind` (`dense`,
/// `pfn`, `efn`, `cnn`), the architecture's keys, and a `training` sub-table with the keys of
/// ``TrainerSettings/init(config:file:)``.
///
/// ```toml
/// [networks.pfn]
/// kind = "pfn"
/// phi = [64, 64, 64]          # Phi's widths (pfn, efn)
/// f = [64, 64, 64]            # F's widths
/// training = { epochs = 20, learning_rate = 1e-3, batch_size = 128 }
///
/// [networks.isolation]
/// kind = "dense"
/// layers = [197, 197]         # the paper's isolation network (appendix A)
/// dropout = 0.0547
///
/// [networks.cnn]
/// kind = "cnn"
/// blocks = 3                  # blocks of (convs_per_block x conv 3x3 + ReLU) + 2x2 max pooling
/// convs_per_block = 3
/// filters = 48
/// dense = [74, 74]
/// dropout = 0.2388
/// ```
struct NetworkRecipe: Sendable {
    enum Architecture: Sendable {
        case dense(layers: [Int], dropout: Float)
        case deepSets(DeepSetsKind, phi: [Int], f: [Int])
        case cnn(blocks: Int, convsPerBlock: Int, filters: Int, dense: [Int], dropout: Float)
    }

    var architecture: Architecture
    var training: TrainerSettings
    /// Features per particle of the deep-sets kinds (3: `(z, d_eta, d_phi)`; more when a study adds per-particle
    /// features such as a category code). Feature 0 is always the energy fraction the EFN weights by.
    var particleFeatures = 3

    /// Reads `table`; `expected` is the kind the study uses the network for (an error names the key otherwise).
    init(table t: ConfigTable, expected: String) throws {
        let kind = try t.string("kind") ?? expected
        guard kind == expected else { throw t.invalid("kind", "must be \"\(expected)\" for this network (got \"\(kind)\")") }
        func widths(_ key: String, _ fallback: [Int]) throws -> [Int] {
            let w = try t.ints(key) ?? fallback
            guard !w.isEmpty, w.allSatisfy({ $0 > 0 && $0 <= 4096 }) else { throw t.invalid(key, "widths must be in 1...4096 (got \(w))") }
            return w
        }
        func fraction(_ key: String) throws -> Float {
            let d = try t.double(key) ?? 0
            guard d >= 0, d < 1 else { throw t.invalid(key, "must be in [0, 1) (got \(d))") }
            return Float(d)
        }
        func count(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            let v = try t.int(key) ?? fallback
            guard range.contains(v) else { throw t.invalid(key, "must be in \(range.lowerBound)...\(range.upperBound) (got \(v))") }
            return v
        }
        switch kind {
        case "dense": architecture = .dense(layers: try widths("layers", [197, 197]), dropout: try fraction("dropout"))
        case "pfn", "efn":
            architecture = .deepSets(kind == "pfn" ? .pfn : .efn, phi: try widths("phi", [100, 100, 100]), f: try widths("f", [100, 100, 100]))
        case "cnn":
            architecture = .cnn(blocks: try count("blocks", 3, 0...5), convsPerBlock: try count("convs_per_block", 3, 1...8),
                                filters: try count("filters", 48, 1...512), dense: try widths("dense", [74, 74]), dropout: try fraction("dropout"))
        default: throw t.invalid("kind", "unknown network kind '\(kind)' (dense, pfn, efn, cnn)")
        }
        training = try TrainerSettings(config: try t.table("training"), file: t.file)
    }

    /// A fresh network for events of `features` values (`particles` x ``particleFeatures`` for the deep-sets kinds, a square image for
    /// the CNN), initialised from `seed`.
    func makeNetwork(features: Int, seed: UInt64) throws -> Network {
        switch architecture {
        case let .dense(layers, dropout):
            return try Network.dense(inputs: features, hidden: layers, dropout: dropout, seed: seed)
        case let .deepSets(kind, phi, f):
            guard particleFeatures > 0, features % particleFeatures == 0 else {
                throw NeymanError.invalid("\(features) inputs are not whole particles of \(particleFeatures) features")
            }
            return try Network.deepSets(kind, particles: features / particleFeatures, features: particleFeatures, phi: phi, f: f, seed: seed)
        case let .cnn(blocks, convs, filters, dense, dropout):
            let side = Int(Double(features).squareRoot().rounded())
            return try Network.cnn(height: side, width: side, channels: 1, blocks: blocks, convsPerBlock: convs, filters: filters,
                                   dense: dense, dropout: dropout, seed: seed)
        }
    }

    /// The number of trainable parameters of the network on `features` inputs.
    func parameterCount(features: Int) throws -> Int {
        try makeNetwork(features: features, seed: 0).parameters.reduce(0) { $0 + $1.value.count }
    }
}

/// What k-fold training gives for one network: the held-out score of every event (from the model that did not see
/// it), and the AUC of each fold's model on its held-out fold.
struct KFoldResult: Sendable {
    /// Raw network output (logit) of every event, from the model whose held-out fold contains it.
    let scores: [Double]
    /// AUC on each held-out fold (flattening-weighted).
    let foldAUCs: [Double]
    let epochs: [Int]
    /// The mean fold AUC.
    var auc: Double { SampleSummary.mean(foldAUCs) }
    /// The standard error of ``auc``: the fold AUCs' sample standard deviation over `sqrt(k)` (each fold is an
    /// independent test set and an independently initialised model, so it covers both the test-sample fluctuation
    /// and the training's; it does not cover the correlation between folds through shared training events).
    var aucError: Double { foldAUCs.count > 1 ? SampleSummary.standardErrorOfMean(foldAUCs) : .nan }
}

/// Stratified k-fold training (``KFold/stratified(labels:k:seed:)``): model `i` trains on every fold but `i` and scores
/// fold `i`. The `k` trainings run as tasks of ``deterministicParallelMap(count:threads:progress:_:)`` with the seeds
/// `mix(seed, i)`, so results do not depend on the thread count.
struct KFoldTraining: Sendable {
    let folds: [[Int]]
    let labels: [Double]
    let weights: [Double]

    init(labels: [Double], weights: [Double], k: Int, seed: UInt64) throws {
        folds = try KFold.stratified(labels: labels.map(Float.init), k: k, seed: seed)
        self.labels = labels
        self.weights = weights
    }

    var k: Int { folds.count }

    /// Trains `recipe` on `data` (rows aligned with ``labels``) k times.
    /// `progress`, if given, advances by one per trained fold.
    func train(_ recipe: NetworkRecipe, data: LabelledEvents, seed: UInt64, threads: Int?,
               progress: ProgressDisplay? = nil) throws -> KFoldResult {
        let n = labels.count
        let folds = self.folds
        let parts = try deterministicParallelMap(count: folds.count, threads: threads, progress: progress) { i -> ([Double], Int) in
            var rows: [Int] = []
            rows.reserveCapacity(n - folds[i].count)
            for (j, f) in folds.enumerated() where j != i { rows += f }
            var options = recipe.training
            options.seed = RandomStream.mixSeed(seed, UInt64(i))
            options.quiet = true
            let net = try recipe.makeNetwork(features: data.featureCount, seed: options.seed)
            let history = try Trainer(network: net, options: options).train(data.subset(rows))
            let held = data.subset(folds[i])
            return (net.predictRaw(held.features, rows: held.count).map(Double.init), history.count)
        }
        var scores = [Double](repeating: .nan, count: n)
        var aucs: [Double] = []
        for (i, fold) in folds.enumerated() {
            for (r, e) in fold.enumerated() { scores[e] = parts[i].0[r] }
            aucs.append(try ROC.auc(scores: parts[i].0, labels: fold.map { labels[$0] }, weights: fold.map { weights[$0] }))
        }
        return KFoldResult(scores: scores, foldAUCs: aucs, epochs: parts.map(\.1))
    }

    /// ADO of `f` against `g` within each held-out fold (pairs of events of the same fold, flattening-weighted),
    /// averaged over the folds: each fold's scores come from one model, so pairs never mix two models' scales.
    func ado(_ f: [Double], _ g: [Double]) throws -> Double {
        let values = try folds.map { fold in
            try AverageDecisionOrdering.ado(f: fold.map { f[$0] }, g: fold.map { g[$0] }, isSignal: fold.map { labels[$0] == 1 },
                                            weights: fold.map { weights[$0] })
        }
        return SampleSummary.mean(values)
    }
}
