import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman ado`: the average decision ordering of two classifiers (docs/formulas.md §7).
struct ADOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ado",
        abstract: "Average decision ordering of two classifiers over all (signal, background) pairs, with weights.",
        discussion: """
        ADO = sum_{i in S, j in B} w_i w_j K_ij / (sum_S w sum_B w), K_ij = 1 when f and g order the pair alike,
        0 when oppositely, 1/2 on a tie in either (Faucett, Thaler, Whiteson arXiv:2010.11998; muon paper eq. 4.5).
        Exact, O(n log n). With --disagree H1,H2: ADO over only the pairs that classifiers H1 and H2 order oppositely
        (the guided search's subspace), exact up to --pair-budget pairs, else a seeded random sample of that many.
        JSON keys: ado, n_signal, n_background, status; with --disagree also disagreeing_pairs, pairs_examined,
        sampled, ado_error (0 when exact).
        Example: neyman ado --input scores.csv --f efp_3 --g pfn --label y --format json
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "Column of the first classifier.")
    var f: String

    @Option(help: "Column of the second classifier.")
    var g: String

    @OptionGroup var labelling: LabelOptions
    var weight: String? { labelling.weight }

    @Option(help: "Two columns H1,H2: restrict to the pairs these two classifiers order oppositely.")
    var disagree: String?

    @Option(name: .customLong("pair-budget"), help: "With --disagree: examine every pair up to this many, else sample this many.")
    var pairBudget: Int = AverageDecisionOrdering.defaultPairBudget

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let label = labelling.label else {
            throw NeymanError.invalid("ado needs --label (the truth column: 1 = signal, 0 = background)", parameter: "label")
        }
        let data = try Dataset.load(path: input)
        let fv = try SPlotOptionParsing.column(data, f, file: input), gv = try SPlotOptionParsing.column(data, g, file: input)
        let labels = try SPlotOptionParsing.column(data, label, file: input)
        let w = try weight.map { try SPlotOptionParsing.column(data, $0, file: input) }
        var isSignal = [Bool](repeating: false, count: labels.count)
        for (i, y) in labels.enumerated() {
            guard y == 0 || y == 1 else { throw NeymanError.invalid("label \(y) is neither 0 nor 1", file: input, row: i + 2, column: label) }
            isSignal[i] = y == 1
        }
        for (name, values) in [(f, fv), (g, gv)] + (weight.map { [($0, w ?? [])] } ?? []) {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw NeymanError.invalid("value \(values[i]) is not finite", file: input, row: i + 2, column: name)
            }
        }
        let nS = isSignal.filter { $0 }.count
        var members: [(String, JSONValue)] = []
        var text: String
        if let disagree {
            let names = disagree.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.count == 2, names.allSatisfy({ !$0.isEmpty }) else {
                throw NeymanError.invalid("give two columns H1,H2", parameter: "disagree")
            }
            let h1 = try SPlotOptionParsing.column(data, names[0], file: input), h2 = try SPlotOptionParsing.column(data, names[1], file: input)
            let r = try AverageDecisionOrdering.restricted(f: fv, g: gv, isSignal: isSignal, weights: w, disagreementOf: h1, and: h2,
                                                           pairBudget: pairBudget, seed: seeding.seed)
            members = [("ado", .number(r.ado)), ("ado_error", .number(r.error)), ("disagreeing_pairs", .integer(r.disagreeingPairs)),
                       ("pairs_examined", .integer(r.pairsExamined)), ("sampled", .bool(r.sampled))]
            text = "ADO[\(f), \(g)] on the pairs \(names[0]) and \(names[1]) order oppositely = \(fmt(r.ado))"
                + (r.sampled ? " +- \(fmt(r.error)) (\(r.pairsExamined) sampled pairs, seed \(seeding.seed))" : "")
                + " (\(r.disagreeingPairs) pairs)"
        } else {
            let ado = try AverageDecisionOrdering.ado(f: fv, g: gv, isSignal: isSignal, weights: w)
            members = [("ado", .number(ado))]
            text = "ADO[\(f), \(g)] = \(fmt(ado))"
        }
        members += [("n_signal", .integer(nS)), ("n_background", .integer(labels.count - nS)), ("status", .string("ok"))]
        output.emit(.object(members)) { text + " on \(nS) signal and \(labels.count - nS) background events" }
    }
}
