import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman dcor`: distance correlation of two columns (docs/formulas.md §4), exact, in O(n log n).
struct DcorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcor",
        abstract: "Distance correlation of two columns (exact, O(n log n)); weighted as in DisCo with --weight.",
        discussion: """
        JSON keys: dcor (V-statistic distance correlation, not squared), dcor2 (its square), dcov2 (squared distance
        covariance, V-statistic), udcor2 (bias-corrected squared dCor, U-statistic; null when undefined: n < 4 or
        --weight), n, method (fast-1d | weighted-fast-1d), and dvar2_x, dvar2_y, udcov2, x, y, weight, weighting, status.
        dcor, dcor2 and udcor2 are right for any finite input; for values beyond about 1e154 dcov2 and the distance
        variances exceed the largest double: they are then null and the exit status is 1 (status says so).
        With --weight every V-statistic is the DisCo weighted one: weights normalised to mean 1,
        a_i = (1/n) sum_j w_j |x_i - x_j|, dCov2 = (1/n^2) sum_ij w_i w_j A_ij B_ij. Constant input gives dcor = 0.
        Example: neyman dcor --input events.csv --x score --y mass --format json
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(name: .customLong("x"), help: "The first column.")
    var xColumn: String

    @Option(name: .customLong("y"), help: "The second column.")
    var yColumn: String

    @Option(name: .customLong("weight"), help: "Per-event weights (>= 0) column: the DisCo weighted statistics.")
    var weightColumn: String?

    @OptionGroup var output: OutputOptions

    /// What the weighted numbers are, for the `weighting` key.
    static let weightedDescription = "DisCo weighted V-statistics (Kasieczka-Shih arXiv:2001.05310): weights normalised to "
        + "mean 1, a_i = (1/n) sum_j w_j |x_i - x_j|, A_ij = a_ij - a_i - a_j + (1/n) sum_i w_i a_i, "
        + "dcov2 = (1/n^2) sum_ij w_i w_j A_ij B_ij; no weighted U-statistic (udcor2, udcov2 null)"

    func run() throws {
        var names = [xColumn, yColumn]
        if let weightColumn { names.append(weightColumn) }
        var unique: [String] = []
        for c in names where !unique.contains(c) { unique.append(c) }
        let ds = try Dataset.load(path: input, columns: unique)
        let x = try ds.column(xColumn), y = try ds.column(yColumn)
        var weights: [Double]? = nil
        if let weightColumn {
            let w = try ds.column(weightColumn)
            let csv = URL(fileURLWithPath: input).pathExtension.lowercased() == "csv"
            for (i, v) in w.enumerated() where v < 0 {
                throw NeymanError.invalid("weight \(v) is negative" + (csv ? "" : " (element index \(i), 0-based)")
                                          + "; weights must be >= 0", file: input, row: csv ? i + 2 : nil, column: weightColumn)
            }
            guard w.contains(where: { $0 > 0 }) else {
                throw NeymanError.invalid("every weight is 0", file: input, column: weightColumn)
            }
            weights = w
        }
        let r: DistanceCorrelation
        do { r = try DistanceCorrelation.univariate(x: x, y: y, weights: weights) } catch let e as NeymanError {
            throw e.inFile(input)
        }
        try output.withStatus { try emit(r) }
    }

    /// Prints the result under the status convention: `dcov2`, `dvar2_x`, `dvar2_y` or `udcov2` beyond the largest
    /// double is a failure (exit 1) that names them; `dcor` is still printed.
    private func emit(_ r: DistanceCorrelation) throws {
        let members: [(String, JSONValue)] = [
            ("dcor", .number(r.dCor)), ("dcor2", .number(r.dCor2)), ("dcov2", .number(r.dCov2)),
            ("udcor2", r.uDCor2.map { .number($0) } ?? .null), ("n", .integer(r.n)), ("method", .string(r.method.rawValue)),
            ("dvar2_x", .number(r.dVarX2)), ("dvar2_y", .number(r.dVarY2)),
            ("udcov2", r.uDCov2.map { .number($0) } ?? .null),
            ("x", .string(xColumn)), ("y", .string(yColumn)), ("weight", weightColumn.map { .string($0) } ?? .null),
            ("weighting", .string(weightColumn == nil ? "none" : Self.weightedDescription)),
        ]
        var failure: String? = nil
        if !r.isRepresentable {
            let names = [("dcov2", Optional(r.dCov2)), ("dvar2_x", r.dVarX2), ("dvar2_y", r.dVarY2), ("udcov2", r.uDCov2)]
                .filter { !($0.1?.isFinite ?? true) }.map(\.0)
            failure = "overflow: \(names.joined(separator: ", ")) exceed the largest double (the values of '\(xColumn)' or "
                + "'\(yColumn)' are beyond about 1e154); dcor, dcor2 and udcor2 are right; rescale the columns for the rest"
        } else if let key = OutputOptions.firstNonFinite(members) {
            failure = "\(key) is not a finite number"
        }
        try output.report(members, failure: failure) {
            var lines = ["distance correlation of '\(xColumn)' and '\(yColumn)' (n = \(r.n), \(r.method.rawValue))"]
            if let weightColumn { lines.append("  weighted by '\(weightColumn)' (DisCo: weights normalised to mean 1)") }
            lines += [
                "  dCor          = \(fmt(r.dCor))",
                "  dCor^2        = \(fmt(r.dCor2))",
                "  dCov^2        = \(fmt(r.dCov2))",
                "  dVar^2 x, y   = \(fmt(r.dVarX2)), \(fmt(r.dVarY2))",
                "  udCor^2       = " + (r.uDCor2.map(fmt) ?? (weightColumn != nil ? "n/a (weighted)" : "n/a (needs n >= 4)")),
            ]
            return lines.joined(separator: "\n")
        }
    }
}
