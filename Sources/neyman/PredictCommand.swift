import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

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
        // Float outputs printed by their shortest Float representation (0.02307580, not 0.023075802251696587); a
        // ratio-loss model outputs f = p_A/p_B itself and its classifier score is f / (1 + f).
        let (scores, ratios): ([Double], [Double])
        do { (scores, ratios) = try net.scoresAndRatios(x, rows: ds.count) } catch let e as NeymanError { throw e.inFile(model) }
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
