import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// The options of `neyman reweight --method classifier` (``ClassifierReweighting``).
struct ClassifierReweightOptions: ParsableArguments {
    @Option(help: "Classifier: hidden layer widths of the dense network (default 64,64).")
    var layers: String?

    @Option(help: "Classifier: training epochs per fold (default 30; early stopping on a 20% validation split).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Classifier: batch size (default 512).")
    var batchSize: Int?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Classifier: Adam's learning rate (default 1e-3).",
            transform: strictDouble("learning-rate"))
    var learningRate: Double?

    @Option(help: "Classifier: folds (>= 2, default 2); each input event is scored by the network trained without its fold.")
    var folds: Int?

    @Option(help: "Classifier: the seed of the folds and the networks (default 1).")
    var seed: UInt64?

    @Option(name: .customLong("max-ratio"), parsing: .unconditional, help: "Classifier: clip the ratio at this value (default: no clipping).",
            transform: strictDouble("max-ratio"))
    var maxRatio: Double?

    /// The settings, checked.
    func settings() throws -> ClassifierReweighting.Settings {
        var s = ClassifierReweighting.Settings()
        if let layers {
            let widths = try ModelOptions.numbers(layers, option: "layers")
            guard !widths.isEmpty, widths.allSatisfy({ $0 >= 1 && $0 <= 1e5 && $0 == $0.rounded() }) else {
                throw NeymanError.invalid("give positive integer widths, e.g. 64,64 (got '\(layers)')", parameter: "layers")
            }
            s.hidden = widths.map { Int($0) }
        }
        if let epochs { s.training.epochs = epochs }
        if let batchSize { s.training.batchSize = batchSize }
        if let learningRate { s.training.learningRate = Float(learningRate) }
        if let folds { s.folds = folds }
        if let seed { s.training.seed = seed }
        s.maxRatio = maxRatio
        try s.training.validate(keyPrefix: "", file: nil)
        guard s.folds >= 2, s.folds <= 100 else { throw NeymanError.invalid("must be between 2 and 100, got \(s.folds)", parameter: "folds") }
        if let m = maxRatio, !(m.isFinite && m > 0) { throw NeymanError.invalid("must be positive and finite, got \(m)", parameter: "max-ratio") }
        return s
    }

    /// Refuses classifier options with another method.
    func checkUnused() throws {
        let given: [(String, Bool)] = [("layers", layers != nil), ("epochs", epochs != nil), ("batch-size", batchSize != nil),
                                       ("learning-rate", learningRate != nil), ("folds", folds != nil), ("seed", seed != nil),
                                       ("max-ratio", maxRatio != nil)]
        if let (name, _) = given.first(where: { $0.1 }) {
            throw NeymanError.invalid("--\(name) applies to --method classifier only", parameter: name)
        }
    }
}

/// The closure check printed by `neyman reweight --target`: per column, the weighted mean and standard deviation of
/// the input, of the reweighted input and of the target. Reweighting that works brings the second to the third.
struct ReweightClosure {
    struct Moments { let mean: Double; let std: Double }
    let columns: [String]
    let input: [Moments], reweighted: [Moments], target: [Moments]

    init(columns: [String], input x: [[Double]], inputWeights: [Double]?, reweighted w: [Double], target t: [[Double]], targetWeights: [Double]?) {
        func moments(_ v: [Double], _ weights: [Double]?) -> Moments {
            let wt = weights ?? [Double](repeating: 1, count: v.count)
            let sum = wt.reduce(0, +)
            guard sum > 0 else { return Moments(mean: .nan, std: .nan) }
            let mean = zip(v, wt).reduce(0) { $0 + $1.0 * $1.1 } / sum
            let variance = zip(v, wt).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) } / sum
            return Moments(mean: mean, std: variance.squareRoot())
        }
        self.columns = columns
        input = x.map { moments($0, inputWeights) }
        reweighted = x.map { moments($0, w) }
        target = t.map { moments($0, targetWeights) }
    }

    var json: JSONValue {
        .object(columns.indices.map { a in
            (columns[a], .object([("input_mean", .number(input[a].mean)), ("reweighted_mean", .number(reweighted[a].mean)),
                                  ("target_mean", .number(target[a].mean)), ("input_std", .number(input[a].std)),
                                  ("reweighted_std", .number(reweighted[a].std)), ("target_std", .number(target[a].std))]))
        })
    }

    var lines: [String] {
        ["  closure (weighted mean, std): input -> reweighted vs target"] + columns.indices.map { a in
            "    \(columns[a]): \(fmt(input[a].mean)), \(fmt(input[a].std)) -> \(fmt(reweighted[a].mean)), \(fmt(reweighted[a].std)) "
                + "vs \(fmt(target[a].mean)), \(fmt(target[a].std))"
        }
    }
}
