import ArgumentParser
import Foundation
import NeymanAnalysis
import NeymanCore

/// `neyman export`: write an analysis in another tool's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an analysis in another tool's format (a pyhf workspace).",
        subcommands: [ExportWorkspaceCommand.self]
    )
}

/// `neyman export workspace`: a binned analysis of a network's score as a pyhf workspace (``WorkspaceExport``).
struct ExportWorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Histograms of a network's score (signal, background, data) as a pyhf JSON workspace.",
        discussion: """
        Bins [e_k, e_k+1) of --score (the last closed); events outside are left out and counted. Signal: normfactor mu
        (the POI) and staterror; background: staterror (sqrt of the sum of squared weights per bin). --systematic
        [signal:|background:]NAME=UP.csv,DOWN.csv (default background) adds a normsys (the rate: sum up / sum nominal)
        and a histosys (the shape at the nominal rate) from varied samples; --normsys [signal:|background:]NAME=LO,HI
        a rate-only systematic. Data are counted without weights. The workspace is written atomically; load it with
        neyman cls --workspace WS.json, or pyhf.Workspace.
        JSON keys: out, channel, bins (the edges), signal, background, observed (per bin), modifiers (names),
        outside_bins ({signal, background, data, and each varied file}), status.
        """
    )

    @Option(help: "Simulated signal events (CSV or NPZ) with the score column.")
    var signal: String

    @Option(help: "Simulated background events (CSV or NPZ) with the score column.")
    var background: String

    @Option(help: "Observed events (CSV or NPZ) with the score column.")
    var data: String

    @Option(help: "The column holding the network's score (or ratio).")
    var score: String

    @Option(help: "The weight column of the simulated files (and of the varied files); data are unweighted.")
    var weight: String?

    @Option(parsing: .unconditional, help: "Bin edges of the score, comma-separated and increasing, e.g. 0,0.5,0.8,0.9,1.")
    var bins: String

    @Option(help: "The channel's name.")
    var channel: String = "score"

    @Option(parsing: .singleValue, help: "[signal:|background:]NAME=UP.csv,DOWN.csv: a systematic from varied samples (repeatable).")
    var systematic: [String] = []

    @Option(parsing: .singleValue, help: "[signal:|background:]NAME=LO,HI: a rate-only systematic (repeatable).")
    var normsys: [String] = []

    @Option(help: "The workspace file to write (JSON).")
    var out: String

    @OptionGroup var output: OutputOptions

    /// `[sample:]NAME=VALUE` split into its parts.
    static func assignment(_ text: String, option: String) throws -> (WorkspaceExport.Sample, String, String) {
        var rest = Substring(text), sample = WorkspaceExport.Sample.background
        for s in WorkspaceExport.Sample.allCases where rest.hasPrefix(s.rawValue + ":") {
            sample = s
            rest = rest.dropFirst(s.rawValue.count + 1)
        }
        let kv = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty, kv[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw NeymanError.invalid("'\(text)' is not [signal:|background:]NAME=VALUE (a name of letters, digits, _ and -)", parameter: option)
        }
        return (sample, kv[0], kv[1])
    }

    func run() throws {
        let edges = try ModelOptions.numbers(bins, option: "bins")
        guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw NeymanError.invalid("give at least two strictly increasing edges, got '\(bins)'", parameter: "bins")
        }
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "json" else {
            throw NeymanError.invalid("the workspace must be a .json file", parameter: "out")
        }
        var systematics: [(WorkspaceExport.Sample, String, String, String)] = []
        for s in systematic {
            let (sample, name, files) = try Self.assignment(s, option: "systematic")
            let pair = files.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair.allSatisfy({ !$0.isEmpty }) else {
                throw NeymanError.invalid("'\(s)': give two files, UP.csv,DOWN.csv", parameter: "systematic")
            }
            systematics.append((sample, name, pair[0], pair[1]))
        }
        var rates: [WorkspaceExport.RateSystematic] = []
        for s in normsys {
            let (sample, name, values) = try Self.assignment(s, option: "normsys")
            let v = try ModelOptions.numbers(values, option: "normsys")
            guard v.count == 2 else { throw NeymanError.invalid("'\(s)': give LO,HI", parameter: "normsys") }
            rates.append(WorkspaceExport.RateSystematic(name: name, sample: sample, lo: v[0], hi: v[1]))
        }
        let inputs = [(signal, "signal"), (background, "background"), (data, "data")]
            + systematics.flatMap { [($0.2, "systematic"), ($0.3, "systematic")] }
        try OutputPath.check(out, option: "out", inputs: inputs)

        func histogram(_ file: String, weighted: Bool) throws -> WorkspaceExport.Histogram {
            let columns = [score] + (weighted ? (weight.map { [$0] } ?? []) : [])
            let ds = try Dataset.load(path: file, columns: columns)
            do {
                return try WorkspaceExport.histogram(scores: try ds.column(score), weights: weighted ? try weight.map { try ds.column($0) } : nil,
                                                     edges: edges)
            } catch let e as NeymanError { throw e.inFile(file) }
        }
        var export = WorkspaceExport(channel: channel, edges: edges, signal: try histogram(signal, weighted: true),
                                     background: try histogram(background, weighted: true), data: try histogram(data, weighted: false))
        var outside: [(String, JSONValue)] = [("signal", .integer(export.signal.outside)), ("background", .integer(export.background.outside)),
                                              ("data", .integer(export.data.outside))]
        for (sample, name, up, down) in systematics {
            let u = try histogram(up, weighted: true), d = try histogram(down, weighted: true)
            export.variations.append(WorkspaceExport.Variation(name: name, sample: sample, up: u, down: d))
            outside += [("\(name)_up", .integer(u.outside)), ("\(name)_down", .integer(d.outside))]
        }
        export.rates = rates
        let workspace = try export.json()
        try AtomicFile.write(workspace.serialized(pretty: true) + "\n", to: out)
        let modifierNames = ["mu", "staterror_\(channel)"] + systematics.map(\.1) + rates.map(\.name)
        output.emit(.object([
            ("out", .string(out)), ("channel", .string(channel)), ("bins", .numbers(edges)),
            ("signal", .numbers(export.signal.sums)), ("background", .numbers(export.background.sums)),
            ("observed", .numbers(export.data.sums)), ("modifiers", .array(modifierNames.map { .string($0) })),
            ("outside_bins", .object(outside)), ("status", .string("ok")),
        ])) {
            var lines = ["wrote the workspace \(out): channel \(channel), \(edges.count - 1) bins of \(score)",
                         "  signal      " + export.signal.sums.map { fmt($0) }.joined(separator: " "),
                         "  background  " + export.background.sums.map { fmt($0) }.joined(separator: " "),
                         "  observed    " + export.data.sums.map { fmt($0) }.joined(separator: " "),
                         "  modifiers   " + modifierNames.joined(separator: ", ")]
            let dropped = export.signal.outside + export.background.outside + export.data.outside
            if dropped > 0 { lines.append("  \(dropped) event(s) outside the bins left out") }
            return lines.joined(separator: "\n")
        }
    }
}
