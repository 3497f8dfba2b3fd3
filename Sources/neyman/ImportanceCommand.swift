import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// `neyman importance`: permutation feature importance of a saved model (``PermutationImportance``).
struct ImportanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "importance",
        abstract: "Permutation feature importance of a saved model: the AUC drop when one feature is shuffled, normalised as the ATLAS tau-muon talk.",
        discussion: """
        Each feature of the model is shuffled across the input events in turn (the others kept), --repeats K times
        with permutations from --seed; the drop AUC - AUC_shuffled is averaged over the repeats (D_j, with the error
        sd(drops) sqrt(1 + 1/K): the unshuffled AUC fluctuates like a shuffled one when the feature carries no
        information) and normalised by the mean drop of all features (the talk's
        normalisation: the importances average 1). Signal is --signal-label (default 1), every other label background.
        JSON keys: features (the model's names, in its order), importance, importance_error (lists in that order),
        auc (unshuffled), auc_drop and auc_drop_error (D_j and its error, before normalising), normalisation (the mean
        drop), repeats, seed, n, status. If no feature lowers the AUC on average the importances cannot be normalised:
        they are null and the exit status is 1.
        Example: neyman importance --model net/model.safetensors --input eval.csv --label label --repeats 5 --format json
        """
    )

    @Option(help: "A model written by neyman train (model.safetensors); it records its feature columns.")
    var model: String

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "The label column.")
    var label: String

    @Option(name: .customLong("signal-label"), help: "The label value of signal; every other value is background.",
            transform: strictDouble("signal-label"))
    var signalLabel: Double = 1

    @Option(help: "Per-event weight column.")
    var weight: String?

    @Option(help: "Permutations per feature (at least 2).")
    var repeats: Int = 5

    @OptionGroup var seeding: SeedOptions
    var seed: UInt64 { seeding.seed }

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard repeats >= 2 else { throw NeymanError.invalid("must be at least 2 for an error (got \(repeats))", parameter: "repeats") }
        try MemoryBudget.check(count: repeats, bytesPerElement: 64, what: "repeats", isParameter: true)
        guard signalLabel.isFinite else { throw NeymanError.invalid("must be finite (got \(signalLabel))", parameter: "signal-label") }
        let net = try Network.load(path: model)
        let names = net.featureNames
        guard !names.isEmpty, names.count == net.inputSize else {
            throw NeymanError.invalid("the model does not record one feature column per input", file: model, key: "features")
        }
        var wanted: [String] = []
        for c in names + [label] + (weight.map { [$0] } ?? []) where !wanted.contains(c) { wanted.append(c) }
        let ds = try Dataset.load(path: input, columns: wanted)
        func column(_ name: String) throws -> [Double] { try SPlotOptionParsing.column(ds, name, file: input) }
        let k = names.count
        var x = [Float](repeating: 0, count: ds.count * k)
        for (j, name) in names.enumerated() {
            let c = try column(name)
            for r in 0..<ds.count { x[r * k + j] = Float(c[r]) }
        }
        let labels = try column(label).map { $0 == signalLabel ? 1.0 : 0.0 }
        guard labels.contains(1) else {
            throw NeymanError.invalid("no event has the signal label \(fmt(signalLabel))", file: input, column: label)
        }
        guard labels.contains(0) else { throw NeymanError.invalid("every event has the signal label: no background", file: input, column: label) }
        let weights = try weight.map { try column($0) }
        let result: PermutationImportance
        do {
            result = try PermutationImportance.compute(network: net, features: x, labels: labels, weights: weights, repeats: repeats, seed: seed)
        } catch let e as NeymanError where e.isUserError { throw e.inFile(input) }
        try output.withStatus { try emit(result, names: names, n: ds.count) }
    }

    private func emit(_ r: PermutationImportance, names: [String], n: Int) throws {
        func numbers(_ v: [Double]) -> JSONValue { .array(v.map { $0.isFinite ? .number($0) : .null }) }
        let failure = r.normalisation > 0 ? nil
            : "the mean AUC drop over the features is \(fmt(r.normalisation)) (no feature lowers the AUC): the importances cannot be normalised"
        let members: [(String, JSONValue)] = [
            ("features", .array(names.map { .string($0) })), ("importance", numbers(r.importance)),
            ("importance_error", numbers(r.importanceError)), ("auc", .number(r.auc)),
            ("auc_drop", numbers(r.meanDrop)), ("auc_drop_error", numbers(r.meanDropError)),
            ("normalisation", .number(r.normalisation)), ("repeats", .integer(repeats)), ("seed", .unsigned(seed)), ("n", .integer(n)),
        ]
        try output.report(members, failure: failure) {
            var lines = ["Permutation importance (AUC = \(fmt(r.auc)), \(repeats) repeats, seed \(seed); normalised to mean 1)"]
            for (j, name) in names.enumerated() {
                lines.append("  \(name)\t\(fmt(r.importance[j])) +- \(fmt(r.importanceError[j]))\t(AUC drop \(fmt(r.meanDrop[j])) +- \(fmt(r.meanDropError[j])))")
            }
            return lines.joined(separator: "\n")
        }
    }
}
