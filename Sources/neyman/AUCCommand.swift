import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman auc`: weighted (signed) ROC AUC, with a bootstrap error and ROC points.
struct AUCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auc",
        abstract: "Area under the ROC curve with per-event weights of any sign (labels + weights, or sWeights).",
        discussion: """
        AUC = sum_ij wS_i wB_j ([s_i > s_j] + 1/2 [s_i = s_j]) / (sum wS sum wB) (docs/formulas.md §6).
        Either --label (1 = signal, 0 = background) with an optional --weight, or --signal-weight and
        --background-weight (e.g. the sw_signal and sw_background columns written by neyman sweights).
        JSON keys: auc, auc_error (bootstrap standard deviation; null without --bootstrap), n, and with --bootstrap:
        bootstrap, seed. --roc writes threshold,fpr,tpr (one row per distinct score, first row inf,0,0).
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "The classifier score column.")
    var score: String

    @OptionGroup var labelling: LabelOptions
    var label: String? { labelling.label }
    var weight: String? { labelling.weight }

    @Option(name: .customLong("signal-weight"), help: "Per-event signal weight column (e.g. sw_signal).")
    var signalWeight: String?

    @Option(name: .customLong("background-weight"), help: "Per-event background weight column (e.g. sw_background).")
    var backgroundWeight: String?

    @Option(help: "Bootstrap replicas for the AUC error (0: none).")
    var bootstrap: Int = 0

    @OptionGroup var seeding: SeedOptions
    var seed: UInt64 { seeding.seed }

    @OptionGroup var parallelism: ParallelismOptions
    var threads: Int? { parallelism.threads }

    @Option(help: "Write the ROC points (threshold,fpr,tpr) to this CSV.")
    var roc: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard bootstrap == 0 || bootstrap >= 2 else { throw NeymanError.invalid("give 0 (none) or at least 2 replicas, got \(bootstrap)", parameter: "bootstrap") }
        if let roc { try OutputPath.check(roc, option: "roc", inputs: [(input, "input")]) }
        let (scores, classes) = try columns()
        let central: Double
        switch classes {
        case .labelled(let labels, let w):
            central = try ROC.auc(scores: scores, labels: labels, weights: w, threads: ThreadCount.resolve(threads))
        case .sweighted(let wS, let wB): central = try ROC.auc(scores: scores, signalWeights: wS, backgroundWeights: wB)
        }
        guard bootstrap > 0 || roc != nil else {
            emit(central: central, boot: nil, n: scores.count)
            return
        }
        let (wS, wB) = classes.perClassWeights
        let boot = bootstrap > 0
            ? try ROC.bootstrapAUC(scores: scores, signalWeights: wS, backgroundWeights: wB, replicas: bootstrap, seed: seed, threads: threads)
            : nil
        if let roc {
            let points = try ROC.curve(scores: scores, signalWeights: wS, backgroundWeights: wB)
            try CSVWriter.write([("threshold", points.map(\.threshold)), ("fpr", points.map(\.falsePositiveRate)),
                                 ("tpr", points.map(\.truePositiveRate))], to: roc)
        }
        emit(central: central, boot: boot, n: scores.count)
    }

    /// The result, as JSON or text.
    private func emit(central: Double, boot: BootstrapAUC?, n: Int) {
        var members: [(String, JSONValue)] = [("auc", .number(central)), ("auc_error", boot.map { .number($0.error) } ?? .null),
                                              ("n", .integer(n))]
        if let boot { members += [("bootstrap", .integer(boot.replicas)), ("seed", .unsigned(seed))] }
        output.emit(.object(members)) {
            "AUC = \(fmt(central))" + (boot.map { " +- \(fmt($0.error)) (bootstrap, \($0.replicas) replicas, seed \(seed))" } ?? "")
                + " on \(n) events" + (roc.map { "\n  wrote \($0)" } ?? "")
        }
    }

    /// How the events are split into classes: labels (0/1) with optional weights, or a signal and a background
    /// weight per event (sWeights).
    private enum Classes {
        case labelled([Double], [Double]?)
        case sweighted([Double], [Double])

        /// `(wS, wB)` per event: `wS_i = w_i [label_i = 1]`, `wB_i = w_i [label_i = 0]` for labels (`w_i` = 1
        /// without weights).
        var perClassWeights: ([Double], [Double]) {
            switch self {
            case .sweighted(let wS, let wB): return (wS, wB)
            case .labelled(let labels, let w):
                var wS = [Double](repeating: 0, count: labels.count), wB = wS
                for (i, y) in labels.enumerated() { if y == 1 { wS[i] = w?[i] ?? 1 } else { wB[i] = w?[i] ?? 1 } }
                return (wS, wB)
            }
        }
    }

    /// The scores and the classes from the options (labels checked to be 0 or 1).
    private func columns() throws -> ([Double], Classes) {
        let labelled = label != nil
        let sweighted = signalWeight != nil || backgroundWeight != nil
        guard labelled != sweighted else {
            throw NeymanError.invalid("give either --label [--weight] or --signal-weight and --background-weight", parameter: labelled ? "signal-weight" : "label")
        }
        if sweighted && (signalWeight == nil || backgroundWeight == nil) {
            throw NeymanError.invalid("give both --signal-weight and --background-weight", parameter: signalWeight == nil ? "signal-weight" : "background-weight")
        }
        if weight != nil && !labelled { throw NeymanError.invalid("--weight goes with --label", parameter: "weight") }
        let data = try Dataset.load(path: input)
        let scores = try SPlotOptionParsing.column(data, score, file: input)
        if let label {
            let labels = try SPlotOptionParsing.column(data, label, file: input)
            let w = try weight.map { try SPlotOptionParsing.column(data, $0, file: input) }
            for (i, y) in labels.enumerated() where !(y == 0 || y == 1) {
                throw NeymanError.invalid("label \(y) is neither 0 nor 1", file: input, row: i + 2, column: label)
            }
            return (scores, .labelled(labels, w))
        }
        let wS = try SPlotOptionParsing.column(data, signalWeight ?? "", file: input)
        let wB = try SPlotOptionParsing.column(data, backgroundWeight ?? "", file: input)
        return (scores, .sweighted(wS, wB))
    }
}
