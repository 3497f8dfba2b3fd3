import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman efficiency`: the efficiency of every class in bins of a variable at the score threshold of a working
/// point (``EfficiencyCurve``).
struct EfficiencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "efficiency",
        abstract: "Efficiency of each class per bin of a variable at the score threshold of a working point (e.g. 50 % signal).",
        discussion: """
        Bins [e0, e1), ..., [e(K-1), eK) of --bin-by (the last edge may be inf: an overflow bin; events outside are
        not counted). An event passes when score >= threshold. The threshold is the highest score at which the
        (weighted) efficiency of the signal class (--signal-label, default 1) reaches --working-point p, ties passing
        together: one threshold over the signal events in all bins, or with --flat one per bin (signal efficiency p in
        every bin). Errors: binomial sqrt(eff (1 - eff) / n); with --weight the normal approximation of ROOT's
        TEfficiency, sqrt((1 - eff)^2 sum_pass w^2 + eff^2 sum_fail w^2) / sum w. Weights must be >= 0.
        JSON keys: edges (an infinite edge is null), threshold (a number, or a list per bin with --flat), efficiency
        and efficiency_error (objects keyed by the label as a number in shortest form, "0", "1", "2", each a list with
        one entry per bin; null where a class has no events in a bin), events (counts, same layout), signal_label,
        working_point, flat, outside (events outside the bins), status.
        Example: neyman efficiency --input scored.csv --score score --label label --bin-by pt --edges 0,10,20,40,inf \\
                 --working-point 0.5 --flat --format json
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "The classifier score column (higher = more signal-like).")
    var score: String

    @Option(help: "The label column (any finite numbers; each distinct value is a class).")
    var label: String

    @Option(name: .customLong("bin-by"), help: "The column whose bins the efficiencies are given in (e.g. pt).")
    var binBy: String

    @Option(parsing: .unconditional, help: "Bin edges, comma-separated and ascending; the last may be inf (e.g. 0,10,20,inf).")
    var edges: String

    @Option(name: .customLong("working-point"), help: "The signal efficiency p in (0, 1] that fixes the threshold.",
            transform: strictDouble("working-point"))
    var workingPoint: Double = 0.5

    @Flag(help: "One threshold per bin, so that the signal efficiency is the working point in every bin.")
    var flat = false

    @Option(name: .customLong("signal-label"), help: "The label value of the signal class.", transform: strictDouble("signal-label"))
    var signalLabel: Double = 1

    @Option(help: "Per-event weight column (>= 0).")
    var weight: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let edgeValues = try Self.edges(edges)
        guard workingPoint > 0, workingPoint <= 1 else {
            throw NeymanError.invalid("must be in (0, 1] (got \(workingPoint))", parameter: "working-point")
        }
        guard signalLabel.isFinite else { throw NeymanError.invalid("must be finite (got \(signalLabel))", parameter: "signal-label") }
        var names: [String] = []
        for c in [score, label, binBy] + (weight.map { [$0] } ?? []) where !names.contains(c) { names.append(c) }
        let ds = try Dataset.load(path: input, columns: names)
        func column(_ name: String) throws -> [Double] { try SPlotOptionParsing.column(ds, name, file: input) }
        let scores = try column(score), labels = try column(label), variable = try column(binBy)
        let csv = URL(fileURLWithPath: input).pathExtension.lowercased() == "csv"
        var weights: [Double]? = nil
        if let weight {
            let w = try column(weight)
            if let i = w.firstIndex(where: { $0 < 0 }) {
                throw NeymanError.invalid("weight \(w[i]) is negative" + (csv ? "" : " (element index \(i), 0-based)") + "; weights must be >= 0",
                                          file: input, row: csv ? i + 2 : nil, column: weight)
            }
            weights = w
        }
        guard labels.contains(signalLabel) else {
            throw NeymanError.invalid("no event has the signal label \(EfficiencyCurve.key(label: signalLabel)) in column '\(label)'",
                                      file: input, column: label)
        }
        let curve: EfficiencyCurve
        do {
            curve = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: variable, weights: weights,
                                                       edges: edgeValues, workingPoint: workingPoint, signalLabel: signalLabel, flat: flat)
        } catch let e as NeymanError { throw e.inFile(input) }
        let outside = variable.filter { EfficiencyCurve.bin(of: $0, edges: edgeValues) == nil }.count
        emit(curve, outside: outside)
    }

    /// `--edges`: numbers (``StrictNumber``), checked by ``EfficiencyCurve/validate(edges:)``.
    static func edges(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try parts.enumerated().map { i, p in
            guard let v = StrictNumber.double(p), !v.isNaN else {
                throw NeymanError.invalid("value \(i + 1) '\(p)' is not a decimal number", parameter: "edges")
            }
            return v
        }
        try EfficiencyCurve.validate(edges: values)
        return values
    }

    private func emit(_ c: EfficiencyCurve, outside: Int) {
        func numbers(_ v: [Double]) -> JSONValue { .array(v.map { $0.isFinite ? .number($0) : .null }) }
        func perLabel(_ rows: [[Double]]) -> JSONValue {
            .object(zip(c.labels, rows).map { (EfficiencyCurve.key(label: $0), numbers($1)) })
        }
        let members: [(String, JSONValue)] = [
            ("edges", numbers(c.edges)),
            ("threshold", flat ? numbers(c.thresholds) : .number(c.thresholds[0])),
            ("efficiency", perLabel(c.efficiency)),
            ("efficiency_error", perLabel(c.efficiencyError)),
            ("events", .object(zip(c.labels, c.events).map { (EfficiencyCurve.key(label: $0), .array($1.map { .integer($0) })) })),
            ("signal_label", .number(signalLabel)), ("working_point", .number(workingPoint)), ("flat", .bool(flat)),
            ("outside", .integer(outside)), ("status", .string("ok")),
        ]
        output.emit(.object(members)) {
            var lines = ["Efficiency at working point \(fmt(workingPoint)) of label \(EfficiencyCurve.key(label: signalLabel))"
                         + (flat ? " (one threshold per bin)" : ", threshold \(fmt(c.thresholds[0]))")]
            let header = ["bin"] + (flat ? ["threshold"] : []) + c.labels.map { "label \(EfficiencyCurve.key(label: $0))" }
            lines.append(header.joined(separator: "\t"))
            for k in 0..<c.binCount {
                var row = ["[\(fmt(c.edges[k])), \(c.edges[k + 1] == .infinity ? "inf" : fmt(c.edges[k + 1])))"]
                if flat { row.append(fmt(c.thresholds[k])) }
                for t in c.tallies { row.append(t[k].events == 0 ? "-" : "\(fmt(t[k].efficiency)) +- \(fmt(t[k].efficiencyError))") }
                lines.append(row.joined(separator: "\t"))
            }
            if outside > 0 { lines.append("\(outside) events outside the bins were not counted") }
            return lines.joined(separator: "\n")
        }
    }
}
