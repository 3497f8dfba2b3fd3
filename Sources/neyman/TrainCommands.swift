import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// `neyman train`: train a classifier from a TOML config.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network as a likelihood-ratio estimator from a TOML config.",
        discussion: """
        Writes DIR/model.safetensors (weights, architecture, standardisation, class weights, feature names) and
        DIR/history.json (loss, validation loss and AUC per epoch; with [training.disco] both losses include the
        DisCo penalty), each atomically.
        JSON keys: model, history, epochs_run, loss, validation_loss, validation_auc, class_weight_a, class_weight_b.
        """
    )

    @Option(help: "The training configuration (TOML; see README).")
    var config: String

    @Option(help: "Output directory.")
    var out: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let cfg = try TrainingConfig.load(path: config)
        let (data, penalties) = try cfg.load()
        let network = try cfg.makeNetwork()
        network.featureNames = cfg.features
        var options = cfg.options
        options.quiet = output.quiet
        let trainer = Trainer(network: network, options: options)
        trainer.penalties = penalties
        let history = try trainer.train(data)
        let modelPath = URL(fileURLWithPath: out).appendingPathComponent("model.safetensors").path
        let historyPath = URL(fileURLWithPath: out).appendingPathComponent("history.json").path
        try network.save(to: modelPath)
        let epochs: [JSONValue] = history.map { r in
            .object([("epoch", .integer(r.epoch)), ("loss", .number(r.loss)),
                     ("validation_loss", r.validationLoss.map { .number($0) } ?? .null),
                     ("validation_auc", r.validationAUC.map { .number($0) } ?? .null),
                     ("learning_rate", .number(Double(r.learningRate)))])
        }
        let disco: JSONValue = cfg.disco.map {
            .object([("lambda", .number($0.lambda)), ("variable", .string($0.variable)), ("events", .string($0.events.rawValue))])
        } ?? .null
        let historyJSON: JSONValue = .object([("config", .string(config)), ("features", .array(cfg.features.map { .string($0) })),
                                              ("events", .integer(data.count)), ("disco", disco), ("epochs", .array(epochs))])
        try AtomicFile.write(historyJSON.serialized(pretty: true) + "\n", to: historyPath)
        let last = history.last
        let best = history.compactMap(\.validationLoss).min()
        let bestAUC = history.first { $0.validationLoss == best }?.validationAUC
        output.emit(.object([
            ("model", .string(modelPath)), ("history", .string(historyPath)), ("epochs_run", .integer(history.count)),
            ("loss", .number(last?.loss ?? .nan)), ("validation_loss", best.map { .number($0) } ?? .null),
            ("validation_auc", bestAUC.map { .number($0) } ?? .null),
            ("class_weight_a", .number(network.classWeights.a)), ("class_weight_b", .number(network.classWeights.b)),
        ])) {
            var lines = ["trained \(history.count) epochs on \(data.count) events",
                         "  final training loss \(fmt(last?.loss ?? .nan))"]
            if let best { lines.append("  best validation loss \(fmt(best))" + (bestAUC.map { ", AUC \(fmt($0))" } ?? "")) }
            lines.append("  wrote \(modelPath)")
            lines.append("  wrote \(historyPath)")
            return lines.joined(separator: "\n")
        }
    }
}

/// `neyman predict`: scores (and ratios) of a saved model on a file.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a saved model: classifier scores, and with --ratio the likelihood ratios s/(1-s) * W_B/W_A.",
        discussion: """
        The input needs the model's feature columns (stored in the model). --format csv (default) prints a header
        and one row per event (score[,ratio]); --format json prints one object with keys scores, ratios (with --ratio), n.
        """
    )

    enum Format: String, ExpressibleByArgument { case csv, json }

    @Option(help: "A model written by neyman train (model.safetensors).")
    var model: String

    @Option(help: "Events to score: CSV or NPZ with the model's feature columns.")
    var input: String

    @Flag(help: "Also output the likelihood ratio r = s/(1-s) * W_B/W_A (for the ratio loss: the network's ratio).")
    var ratio = false

    @Option(help: "Output format: csv or json.")
    var format: Format = .csv

    func run() throws {
        let net = try Network.load(path: model)
        guard !net.featureNames.isEmpty else {
            throw NeymanError.invalid("the model does not record its feature columns", file: model, key: "features")
        }
        let ds = try Dataset.load(path: input)
        let k = net.featureNames.count
        guard k == net.inputSize else {
            throw NeymanError.invalid("the model records \(k) feature names for \(net.inputSize) inputs", file: model, key: "features")
        }
        var x = [Float](repeating: 0, count: ds.count * k)
        for (j, name) in net.featureNames.enumerated() {
            let c: [Double]
            do { c = try ds.column(name) } catch let e as NeymanError { throw e.inFile(input) }
            for r in 0..<ds.count { x[r * k + j] = Float(c[r]) }
        }
        // Float outputs printed by their shortest Float representation (0.02307580, not 0.023075802251696587).
        var scores = net.score(x, rows: ds.count).map { Double(String($0)) ?? Double($0) }
        var ratios: [Double] = []
        if net.lossKind.outputIsLogit {
            if ratio {
                let lr = try LikelihoodRatio(network: net)
                ratios = scores.map { lr.ratio(score: $0) }
            }
        } else {
            // A ratio-loss model outputs f = p_A/p_B itself; its classifier score is f / (1 + f).
            ratios = scores
            scores = ratios.map { $0 / (1 + $0) }
        }
        switch format {
        case .json:
            var members: [(String, JSONValue)] = [("scores", .numbers(scores))]
            if ratio { members.append(("ratios", .numbers(ratios))) }
            members.append(("n", .integer(scores.count)))
            print(JSONValue.object(members).serialized())
        case .csv:
            var out = ratio ? "score,ratio\n" : "score\n"
            out.reserveCapacity(scores.count * 40)
            for i in 0..<scores.count {
                out += "\(scores[i])"
                if ratio { out += ",\(ratios[i])" }
                out += "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
