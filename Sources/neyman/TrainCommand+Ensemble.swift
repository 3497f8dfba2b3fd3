import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

extension TrainCommand {
    /// `[training] ensemble = K`: K models (``NetworkEnsemble``). Member `i` (1-based) trains with the seed
    /// `mixSeed(seed, 1000 + i)` (initialisation, batch order, dropout and, with `bootstrap = true`, its Poisson
    /// bootstrap counts), and every member holds out the validation events of the config's `seed`, on which the
    /// members are compared: each member's AUC, the AUC of the members' mean score, and per event the across-member
    /// standard deviation of the score and of the ratio.
    func runEnsemble(_ cfg: TrainingFile, _ inputs: TrainingEvents, _ options: TrainerSettings) throws {
        let k = cfg.ensemble
        guard options.validationFraction > 0 else {
            throw NeymanError.invalid("an ensemble is compared on held-out validation events: validation_fraction must be > 0",
                                      file: config, key: "training.validation_fraction")
        }
        let (validationRows, _) = Trainer.split(count: inputs.data.count, options: options)
        guard !validationRows.isEmpty else {
            throw NeymanError.invalid("validation_fraction = \(options.validationFraction) of \(inputs.data.count) events holds out no event",
                                      file: config, key: "training.validation_fraction")
        }
        let held = inputs.data.subset(validationRows)
        let labels = held.labels.map(Double.init), weights = held.weights.map(Double.init)
        var models: [String] = [], histories: [String] = [], epochsRun: [Int] = [], memberAUC: [Double] = [], seeds: [UInt64] = []
        var scores: [[Double]] = [], ratios: [[Double]] = []
        for i in 1...k {
            if !output.quiet {
                FileHandle.standardError.write(Data("member \(i)/\(k): training\(cfg.bootstrap ? " on a Poisson bootstrap" : "")\n".utf8))
            }
            var o = options
            o.seed = RandomStream.mixSeed(options.seed, UInt64(1000 + i))
            o.splitSeed = options.seed
            o.bootstrap = cfg.bootstrap
            let (network, history) = try inputs.train(options: o)
            let dir = URL(fileURLWithPath: out).appendingPathComponent("member-\(i)")
            let modelPath = dir.appendingPathComponent("model.safetensors").path
            let historyPath = dir.appendingPathComponent("history.json").path
            try network.save(to: modelPath)
            try AtomicFile.write(historyJSON(cfg, history, events: inputs.data.count).serialized(pretty: true) + "\n", to: historyPath)
            let (s, r) = try network.scoresAndRatios(held.features, rows: held.count)
            memberAUC.append(try ROC.auc(scores: s, labels: labels, weights: weights))
            scores.append(s); ratios.append(r)
            models.append(modelPath); histories.append(historyPath); epochsRun.append(history.count); seeds.append(o.seed)
        }
        let scoreSpread = try NetworkEnsemble.spread(scores), ratioSpread = try NetworkEnsemble.spread(ratios)
        let ensembleAUC = try ROC.auc(scores: scoreSpread.mean, labels: labels, weights: weights)
        let aucMean = SampleSummary.mean(memberAUC), aucStd = SampleSummary.standardDeviation(memberAUC)
        let scoreStdMean = SampleSummary.mean(scoreSpread.standardDeviation)
        let relative = zip(ratioSpread.mean, ratioSpread.standardDeviation).compactMap { m, s -> Double? in
            m > 0 && m.isFinite && s.isFinite ? s / m : nil
        }
        let relativeMedian: JSONValue = relative.isEmpty ? .null : .number(SampleSummary.median(relative))

        let validationPath = URL(fileURLWithPath: out).appendingPathComponent("ensemble_validation.csv").path
        var columns: [(String, [Double])] = [("row", validationRows.map(Double.init)), ("label", labels), ("weight", weights),
                                             ("score_mean", scoreSpread.mean), ("score_std", scoreSpread.standardDeviation),
                                             ("ratio_mean", ratioSpread.mean), ("ratio_std", ratioSpread.standardDeviation)]
        for (i, s) in scores.enumerated() { columns.append(("score_\(i + 1)", s)) }
        try CSVWriter.write(columns, to: validationPath)
        let summaryPath = URL(fileURLWithPath: out).appendingPathComponent(NetworkEnsemble.manifestName).path
        let memberRecords: [JSONValue] = (0..<k).map { i in
            .object([("member", .integer(i + 1)), ("model", .string("member-\(i + 1)/model.safetensors")), ("seed", .unsigned(seeds[i])),
                     ("epochs_run", .integer(epochsRun[i])), ("validation_auc", .number(memberAUC[i]))])
        }
        let summary: JSONValue = .object([
            ("format", .string(NetworkEnsemble.format)), ("config", .string(config)), ("seed", .unsigned(options.seed)),
            ("bootstrap", .bool(cfg.bootstrap)), ("events", .integer(inputs.data.count)), ("validation_events", .integer(held.count)),
            ("auc_mean", .number(aucMean)), ("auc_std", .number(aucStd)), ("ensemble_auc", .number(ensembleAUC)),
            ("score_std_mean", .number(scoreStdMean)), ("ratio_relative_std_median", relativeMedian),
            ("members", .array(memberRecords)),
        ])
        // The manifest last: a directory holding ensemble.json has all its members.
        try AtomicFile.write(summary.serialized(pretty: true) + "\n", to: summaryPath)
        output.emit(.object([
            ("members", .integer(k)), ("models", .array(models.map { .string($0) })), ("histories", .array(histories.map { .string($0) })),
            ("epochs_run", .array(epochsRun.map { .integer($0) })), ("member_auc", .numbers(memberAUC)),
            ("auc_mean", .number(aucMean)), ("auc_std", .number(aucStd)), ("ensemble_auc", .number(ensembleAUC)),
            ("score_std_mean", .number(scoreStdMean)), ("ratio_relative_std_median", relativeMedian),
            ("validation_events", .integer(held.count)), ("bootstrap", .bool(cfg.bootstrap)),
            ("validation", .string(validationPath)), ("summary", .string(summaryPath)),
        ])) {
            var lines = ["trained an ensemble of \(k) models on \(inputs.data.count) events\(cfg.bootstrap ? " (Poisson bootstrap per member)" : "")"]
            for i in 0..<k { lines.append("  member \(i + 1): \(epochsRun[i]) epochs, validation AUC \(fmt(memberAUC[i]))") }
            lines.append("  member AUC \(fmt(aucMean)) ± \(fmt(aucStd)) (member std); AUC of the mean score \(fmt(ensembleAUC))")
            lines.append("  score std across members: \(fmt(scoreStdMean)) on average over \(held.count) validation events")
            lines.append("  wrote \(validationPath)")
            lines.append("  wrote \(summaryPath)")
            return lines.joined(separator: "\n")
        }
    }
}
