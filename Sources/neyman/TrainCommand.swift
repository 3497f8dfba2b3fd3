import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// `neyman train`: train a classifier from a TOML config (one model, or one per fold with `[training] folds = k`).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network as a likelihood-ratio estimator from a TOML config.",
        discussion: """
        Writes DIR/model.safetensors (weights, architecture, standardisation, class weights, feature names) and
        DIR/history.json (loss, validation loss and AUC per epoch; with [training.disco] both losses include the
        DisCo penalty), each atomically.
        JSON keys: model, history, epochs_run, loss, validation_loss, validation_auc, class_weight_a, class_weight_b.

        With [training] folds = k (k >= 2): stratified k-fold. Model i is trained on every fold but i and scores
        fold i: DIR/fold-<i>/model.safetensors and history.json, DIR/out_of_fold.csv (row, fold, label, weight,
        score, ratio: every event scored by the model that did not see it) and DIR/kfold.json.
        JSON keys: folds, models, histories, epochs_run, fold_auc, fold_auc_mean, fold_auc_std, out_of_fold_auc,
        out_of_fold, summary.

        With [training] ensemble = K (K >= 2; bootstrap = true to resample each member's training events): K models
        from different initialisations, all holding out the same validation events: DIR/member-<i>/model.safetensors
        and history.json, DIR/ensemble_validation.csv (row, label, weight, score_mean, score_std, ratio_mean,
        ratio_std, score_1 ... score_K on the validation events) and DIR/ensemble.json (the manifest: give DIR or it
        as [model.ratio] network to fit member by member).
        JSON keys: members, models, histories, epochs_run, member_auc, auc_mean, auc_std, ensemble_auc,
        score_std_mean, ratio_relative_std_median, validation_events, bootstrap, validation, summary.
        """
    )

    @Option(help: "The training configuration (TOML; see README).")
    var config: String

    @Option(help: "Output directory.")
    var out: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let cfg = try TrainingFile.load(path: config)
        let inputs = try cfg.load()
        var options = cfg.options
        options.quiet = output.quiet
        if cfg.folds >= 2 {
            try runKFold(cfg, inputs, options)
            return
        }
        if cfg.ensemble >= 2 {
            try runEnsemble(cfg, inputs, options)
            return
        }
        let (network, history) = try inputs.train(options: options)
        let modelPath = URL(fileURLWithPath: out).appendingPathComponent("model.safetensors").path
        let historyPath = URL(fileURLWithPath: out).appendingPathComponent("history.json").path
        try network.save(to: modelPath)
        try AtomicFile.write(historyJSON(cfg, history, events: inputs.data.count).serialized(pretty: true) + "\n", to: historyPath)
        let last = history.last
        let best = history.compactMap(\.validationLoss).min()
        let bestAUC = history.first { $0.validationLoss == best }?.validationAUC
        output.emit(.object([
            ("model", .string(modelPath)), ("history", .string(historyPath)), ("epochs_run", .integer(history.count)),
            ("loss", .number(last?.loss ?? .nan)), ("validation_loss", best.map { .number($0) } ?? .null),
            ("validation_auc", bestAUC.map { .number($0) } ?? .null),
            ("class_weight_a", .number(network.classWeights.a)), ("class_weight_b", .number(network.classWeights.b)),
        ])) {
            var lines = ["trained \(history.count) epochs on \(inputs.data.count) events",
                         "  final training loss \(fmt(last?.loss ?? .nan))"]
            if let best { lines.append("  best validation loss \(fmt(best))" + (bestAUC.map { ", AUC \(fmt($0))" } ?? "")) }
            lines.append("  wrote \(modelPath)")
            lines.append("  wrote \(historyPath)")
            return lines.joined(separator: "\n")
        }
    }

    /// The history file: config, features, event count, DisCo and sampling settings, and one record per epoch.
    func historyJSON(_ cfg: TrainingFile, _ history: [EpochRecord], events: Int, fold: Int? = nil) -> JSONValue {
        let epochs: [JSONValue] = history.map { r in
            .object([("epoch", .integer(r.epoch)), ("loss", .number(r.loss)),
                     ("validation_loss", r.validationLoss.map { .number($0) } ?? .null),
                     ("validation_auc", r.validationAUC.map { .number($0) } ?? .null),
                     ("learning_rate", .number(Double(r.learningRate)))])
        }
        let disco: JSONValue = cfg.disco.map {
            .object([("lambda", .number($0.lambda)), ("variable", .string($0.variable)), ("events", .string($0.events.rawValue))])
        } ?? .null
        let sampling: JSONValue = cfg.sampling.map {
            .object([("variable", .string($0.variable)), ("edges", .numbers($0.edges)),
                     ("class_a_per_bin", .integer($0.classAPerBin)), ("class_b_per_bin", .integer($0.classBPerBin))])
        } ?? .null
        var members: [(String, JSONValue)] = [("config", .string(config)), ("features", .array(cfg.features.map { .string($0) })),
                                              ("events", .integer(events)), ("disco", disco), ("sampling", sampling)]
        if let fold { members.append(("fold", .integer(fold))) }
        members.append(("epochs", .array(epochs)))
        return .object(members)
    }

    /// Stratified k-fold (``KFold``): model `i` trains on all folds but `i` (with its own validation split and the
    /// seed `mixSeed(seed, i)`) and scores fold `i`.
    func runKFold(_ cfg: TrainingFile, _ inputs: TrainingEvents, _ options: TrainerSettings) throws {
        let k = cfg.folds
        let folds: [[Int]]
        do { folds = try KFold.stratified(labels: inputs.data.labels, k: k, seed: options.seed) } catch let e as NeymanError {
            throw NeymanError.invalid(e.message, file: config, key: "training.folds")
        }
        let n = inputs.data.count
        var foldOf = [Int](repeating: 0, count: n)
        for (f, rows) in folds.enumerated() { for r in rows { foldOf[r] = f } }
        var scores = [Double](repeating: .nan, count: n), ratios = scores
        var models: [String] = [], histories: [String] = [], epochsRun: [Int] = [], foldAUC: [Double] = []
        var foldSummaries: [JSONValue] = []
        for (f, heldOut) in folds.enumerated() {
            if !output.quiet { FileHandle.standardError.write(Data("fold \(f + 1)/\(k): training on \(n - heldOut.count) events\n".utf8)) }
            let trainRows = (0..<n).filter { foldOf[$0] != f }
            var o = options
            o.seed = RandomStream.mixSeed(options.seed, UInt64(f + 1))
            let (network, history) = try inputs.subset(trainRows).train(options: o)
            let dir = URL(fileURLWithPath: out).appendingPathComponent("fold-\(f + 1)")
            let modelPath = dir.appendingPathComponent("model.safetensors").path
            let historyPath = dir.appendingPathComponent("history.json").path
            try network.save(to: modelPath)
            try AtomicFile.write(historyJSON(cfg, history, events: trainRows.count, fold: f + 1).serialized(pretty: true) + "\n",
                                 to: historyPath)
            let held = inputs.data.subset(heldOut)
            let (s, r) = try network.scoresAndRatios(held.features, rows: held.count)
            for (i, row) in heldOut.enumerated() { scores[row] = s[i]; ratios[row] = r[i] }
            let auc = try ROC.auc(scores: s, labels: held.labels.map(Double.init), weights: held.weights.map(Double.init))
            models.append(modelPath); histories.append(historyPath); epochsRun.append(history.count); foldAUC.append(auc)
            foldSummaries.append(.object([("fold", .integer(f + 1)), ("model", .string(modelPath)), ("training_events", .integer(trainRows.count)),
                                          ("held_out_events", .integer(heldOut.count)), ("epochs_run", .integer(history.count)),
                                          ("held_out_auc", .number(auc)),
                                          ("class_weight_a", .number(network.classWeights.a)),
                                          ("class_weight_b", .number(network.classWeights.b))]))
        }
        let labels = inputs.data.labels.map(Double.init), weights = inputs.data.weights.map(Double.init)
        let oofAUC = try ROC.auc(scores: scores, labels: labels, weights: weights)
        let mean = SampleSummary.mean(foldAUC), std = SampleSummary.standardDeviation(foldAUC)
        let oofPath = URL(fileURLWithPath: out).appendingPathComponent("out_of_fold.csv").path
        try CSVWriter.write([("row", (0..<n).map(Double.init)), ("fold", foldOf.map { Double($0 + 1) }), ("label", labels),
                             ("weight", weights), ("score", scores), ("ratio", ratios)], to: oofPath)
        let summaryPath = URL(fileURLWithPath: out).appendingPathComponent("kfold.json").path
        let summary: JSONValue = .object([("config", .string(config)), ("folds", .integer(k)), ("seed", .unsigned(options.seed)),
                                          ("events", .integer(n)), ("out_of_fold_auc", .number(oofAUC)),
                                          ("fold_auc_mean", .number(mean)), ("fold_auc_std", .number(std)),
                                          ("per_fold", .array(foldSummaries))])
        try AtomicFile.write(summary.serialized(pretty: true) + "\n", to: summaryPath)
        output.emit(.object([
            ("folds", .integer(k)), ("models", .array(models.map { .string($0) })), ("histories", .array(histories.map { .string($0) })),
            ("epochs_run", .array(epochsRun.map { .integer($0) })), ("fold_auc", .numbers(foldAUC)),
            ("fold_auc_mean", .number(mean)), ("fold_auc_std", .number(std)), ("out_of_fold_auc", .number(oofAUC)),
            ("out_of_fold", .string(oofPath)), ("summary", .string(summaryPath)),
        ])) {
            var lines = ["trained \(k) fold models on \(n) events (stratified k-fold)"]
            for f in 0..<k { lines.append("  fold \(f + 1): \(epochsRun[f]) epochs, held-out AUC \(fmt(foldAUC[f]))") }
            lines.append("  held-out AUC \(fmt(mean)) ± \(fmt(std)) (fold std); out-of-fold AUC \(fmt(oofAUC))")
            lines.append("  wrote \(oofPath)")
            lines.append("  wrote \(summaryPath)")
            return lines.joined(separator: "\n")
        }
    }
}
