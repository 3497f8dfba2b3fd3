import ArgumentParser
import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// `neyman reweight`: per-event weights that flatten one or two columns (histogram), or that make the input
/// distributed like a target sample (histogram ratio or Gaussian-KDE ratio); writes the input plus a weight column.
struct ReweightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reweight",
        abstract: "Sample weights: flatten 1-2 columns, or match a target sample (histogram, KDE or classifier ratio).",
        discussion: """
        Writes the input's columns plus a weight column (--weight-name, default weight) to --out (CSV, atomically).
        The new weights include the input weights (--weight) and sum to their sum (the number of events without
        --weight). Methods: flatten (w_i = c w_i / density of the bin of x_i, --bins/--range or --edges),
        histogram (--target: c w_i T_b / H_b, the ratio of the target's and the input's histograms), kde (--target:
        c w_i q(x_i) / p(x_i) with Gaussian KDEs, bandwidth factor by Scott's rule as scipy, or --bandwidth
        silverman or a number), classifier (--target, any number of columns: c w_i r(x_i), r = s/(1-s) W_in/W_target
        from dense networks trained target vs input, each event scored by the network of the --folds fold it was not
        trained on; --layers, --epochs, --batch-size, --learning-rate, --seed, --max-ratio). --overflow clamp (default: events beyond the range take the edge bin's weight),
        zero, error. JSON keys: n, sum_weights, effective_n ((sum w)^2 / sum w^2), method, out, columns,
        weight_name, input_weight, and per method: bins, out_of_range, overflow, unmatched_target_fraction
        (histogram), bandwidth_factor {input, target}, cutoff_radius (kde), folds, fold_auc, epochs_run, seed, max_ratio, clipped
        (classifier); with --target also closure (per column: input, reweighted and target weighted mean and std).
        Examples: neyman reweight --input mu.csv --columns pt --flatten --bins 11 --range 5:60 --out mu_w.csv
                  neyman reweight --input p.csv --columns pt,eta --target q.csv --method kde --out p_w.csv --format json
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "Columns to reweight in, comma-separated (e.g. pt or pt,eta): one or two, any number for --method classifier.")
    var columns: String

    @Flag(help: "Flatten the (weighted) histogram of the columns in density.")
    var flatten = false

    @Option(help: "A target sample with the same columns: make the input distributed like it.")
    var target: String?

    @Option(help: "With --target: histogram (ratio of histograms), kde (ratio of Gaussian KDEs) or classifier (a network's ratio, any number of columns).")
    var method: TargetMethod?

    @Option(parsing: .unconditional, help: "Histogram bins per column, N or N,M (histogram methods).")
    var bins: String?

    @Option(parsing: .unconditional, help: "Histogram range per column, LO:HI or LO:HI,LO:HI (default: the data's min and max); a negative LO is fine (--range -3:3).")
    var range: String?

    @Option(parsing: .unconditional, help: "Explicit bin edges instead of --bins/--range: e0,e1,... per column, columns separated by ';'.")
    var edges: String?

    @Option(help: "What happens to events outside the histogram range: clamp (edge bin's weight), zero, error.")
    var overflow: HistogramReweighting.OverflowPolicy = .clampToEdgeBins

    @Option(help: "KDE bandwidth factor: scott (default, as scipy), silverman, or a positive number.")
    var bandwidth: String = "scott"

    @Option(name: .customLong("cutoff"), help: "KDE cutoff radius in bandwidths (1 to 37).")
    var cutoffRadius: Double = 8

    @Option(name: .customLong("weight"), help: "Input weights column (>= 0); the new weights include them.")
    var weightColumn: String?

    @Option(name: .customLong("target-weight"), help: "Target weights column (>= 0).")
    var targetWeightColumn: String?

    @Option(name: .customLong("weight-name"), help: "Name of the new weight column in --out.")
    var weightName: String = "weight"

    @Option(help: "Output CSV: the input columns plus the new weight column (written atomically).")
    var out: String

    @OptionGroup var classifier: ClassifierReweightOptions

    @OptionGroup var parallelism: ParallelismOptions
    var threads: Int? { parallelism.threads }

    @OptionGroup var output: OutputOptions

    func run() throws {
        let names = columns.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let kind = try methodKind()
        guard kind == .classifier || (1...2).contains(names.count), names.allSatisfy({ !$0.isEmpty }), Set(names).count == names.count else {
            throw NeymanError.invalid(kind == .classifier ? "give distinct column names, e.g. pt,eta,phi"
                                                          : "give one or two distinct column names, e.g. pt or pt,eta (any number with --method classifier)",
                                      parameter: "columns")
        }
        if kind != .classifier { try classifier.checkUnused() } else { _ = try classifier.settings() }
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "csv" else {
            throw NeymanError.invalid("the output must be a .csv file", parameter: "out")
        }
        let policy = overflow
        try OutputPath.check(out, option: "out", inputs: [(input, "input")] + (target.map { [($0, "target")] } ?? []))

        let data = try Dataset.load(path: input)
        if data.hasColumn(weightName) {
            throw NeymanError.invalid("the input already has a column '\(weightName)'; choose another name with --weight-name",
                                      file: input, column: weightName)
        }
        let x = try names.map { name in try Self.column(data, name, file: input) }
        let w = try weightColumn.map { try Self.weights(data, $0, file: input) }

        // The target sample, read once: by the method and again by the closure table.
        let targetSample = kind == .flatten ? nil : try target.map { try loadTarget($0, names) }

        var members: [(String, JSONValue)] = []
        let newWeights: [Double]
        var summary: [String] = []
        switch kind {
        case .flatten, .histogram:
            var targetColumns: [[Double]]? = nil, targetWeights: [Double]? = nil
            if kind == .histogram, let t = targetSample {
                targetColumns = t.columns
                targetWeights = t.weights
            }
            let axes = try histogramAxes(x, targetColumns, count: names.count)
            let r: HistogramReweighting
            do {
                if let targetColumns {
                    r = try HistogramReweighting.matching(x, weights: w, target: targetColumns, targetWeights: targetWeights,
                                                          axes: axes, overflow: policy, columnNames: names)
                } else {
                    r = try HistogramReweighting.flattening(x, weights: w, axes: axes, overflow: policy, columnNames: names)
                }
            } catch let e as NeymanError {
                throw e.location.parameter == "target" ? e.inFile(target ?? input) : e.inFile(input)
            }
            newWeights = r.weights
            members += [("bins", .array(axes.map { .integer($0.binCount) })), ("out_of_range", .integer(r.outOfRangeCount)),
                        ("overflow", .string(policy.rawValue))]
            summary.append("  bins \(axes.map { "\($0.binCount) on [\(fmt($0.lower)), \(fmt($0.upper))]" }.joined(separator: " x ")), "
                           + "\(r.outOfRangeCount) event(s) out of range (overflow \(policy.rawValue))")
            if kind == .histogram {
                members.append(("unmatched_target_fraction", .number(r.unmatchedTargetFraction)))
                if r.unmatchedTargetFraction > 0 {
                    CLIExit.writeLine("neyman: warning: \(fmt(100 * r.unmatchedTargetFraction))% of the target's weight is in bins "
                                      + "the input does not populate; no weights can reproduce it")
                }
            }
        case .classifier:
            guard let target, let t = targetSample else { throw NeymanError.invalid("--method classifier needs --target FILE", parameter: "target") }
            let settings = try classifier.settings()   // checked before any file was read, see above
            let r: ClassifierReweighting
            do {
                r = try ClassifierReweighting(source: x, sourceWeights: w, target: t.columns, targetWeights: t.weights, settings: settings) { line in
                    if !output.quiet { CLIExit.writeLine("neyman: reweight: \(line)") }
                }
            } catch let e as NeymanError {
                throw e.location.parameter == "target" ? e.inFile(target) : (e.location.parameter == "source" ? e.inFile(input) : e)
            }
            newWeights = r.weights
            members += [("folds", .integer(settings.folds)), ("fold_auc", .numbers(r.foldAUC)), ("epochs_run", .array(r.epochsRun.map { .integer($0) })), ("seed", .unsigned(settings.training.seed)),
                        ("max_ratio", settings.maxRatio.map { .number($0) } ?? .null), ("clipped", .integer(r.clippedCount))]
            summary.append("  classifier ratio (\(settings.folds) folds), held-out AUC target vs input "
                           + r.foldAUC.map { fmt($0) }.joined(separator: ", ") + (settings.maxRatio == nil ? "" : ", \(r.clippedCount) ratio(s) clipped"))
        case .kde:
            guard let target, let t = targetSample else { throw NeymanError.invalid("--method kde needs --target FILE", parameter: "target") }
            guard cutoffRadius.isFinite, cutoffRadius >= 1, cutoffRadius <= 37 else {
                throw NeymanError.invalid("must be between 1 and 37 bandwidths, got \(cutoffRadius)", parameter: "cutoff")
            }
            let r: KernelDensityReweighting
            do {
                r = try KernelDensityReweighting(source: x, sourceWeights: w, target: t.columns, targetWeights: t.weights,
                                                 bandwidth: try parsedBandwidth(), cutoffRadius: cutoffRadius,
                                                 columnNames: names, threads: threads)
            } catch let e as NeymanError {
                throw e.location.parameter == "target" ? e.inFile(target) : (e.location.parameter == "source" ? e.inFile(input) : e)
            }
            newWeights = r.weights
            members += [("bandwidth_factor", .numberObject([("input", r.source.factor), ("target", r.target.factor)])),
                        ("cutoff_radius", .number(cutoffRadius))]
            summary.append("  Gaussian KDE ratio, bandwidth factors \(fmt(r.source.factor)) (input), \(fmt(r.target.factor)) (target)")
        }

        if let t = targetSample {
            let closure = ReweightClosure(columns: names, input: x, inputWeights: w, reweighted: newWeights, target: t.columns, targetWeights: t.weights)
            members.append(("closure", closure.json))
            summary += closure.lines
        }
        try CSVWriter.write(data.namedColumns + [(weightName, newWeights)], to: out)
        let sum = newWeights.reduce(0, +), nEff = SampleWeights.effectiveSize(newWeights)
        let json: JSONValue = .object([
            ("n", .integer(data.count)), ("sum_weights", .number(sum)), ("effective_n", .number(nEff)),
            ("method", .string(kind.rawValue)), ("out", .string(out)),
            ("columns", .array(names.map { .string($0) })), ("weight_name", .string(weightName)),
            ("input_weight", weightColumn.map { .string($0) } ?? .null),
        ] + members)
        output.emit(json) {
            (["reweighted \(data.count) events in \(names.joined(separator: ", ")) (\(kind.rawValue)): sum of weights "
              + "\(fmt(sum)), effective n \(fmt(nEff))"] + summary + ["  written to \(out) (column '\(weightName)')"])
                .joined(separator: "\n")
        }
    }

    // MARK: Options

    enum Kind: String { case flatten, histogram, kde, classifier }

    /// `--method` with `--target`: how the density ratio of target to input is estimated.
    enum TargetMethod: String, CaseIterable, ExpressibleByArgument {
        /// The ratio of the two normalised histograms.
        case histogram
        /// The ratio of two weighted Gaussian KDEs.
        case kde
        /// A classifier's likelihood ratio (``ClassifierReweighting``), in any number of columns.
        case classifier
    }

    func methodKind() throws -> Kind {
        switch (flatten, target) {
        case (true, nil):
            if let method { throw NeymanError.invalid("--method '\(method.rawValue)' needs --target (with --flatten, leave it out)", parameter: "method") }
            return .flatten
        case (true, _?):
            throw NeymanError.invalid("give either --flatten or --target FILE, not both", parameter: "target")
        case (false, nil):
            throw NeymanError.invalid("give --flatten, or --target FILE with --method histogram|kde|classifier", parameter: "flatten")
        case (false, _?):
            guard let method else { throw NeymanError.invalid("give --method histogram, kde or classifier with --target", parameter: "method") }
            let k: Kind = method == .kde ? .kde : method == .classifier ? .classifier : .histogram
            if k != .histogram, bins != nil || range != nil || edges != nil {
                throw NeymanError.invalid("--bins, --range and --edges apply to histogram methods, not \(method.rawValue)", parameter: "method")
            }
            return k
        }
    }

    func parsedBandwidth() throws -> GaussianKDE.Bandwidth {
        switch bandwidth {
        case "scott": return .scott
        case "silverman": return .silverman
        default:
            guard let f = Double(bandwidth), f.isFinite, f > 0 else {
                throw NeymanError.invalid("'\(bandwidth)' is not scott, silverman or a positive number", parameter: "bandwidth")
            }
            return .factor(f)
        }
    }

    /// The axes from --edges, or from --bins with --range (default: the min and max over the input and target).
    func histogramAxes(_ x: [[Double]], _ target: [[Double]]?, count: Int) throws -> [HistogramAxis] {
        if let edges {
            guard bins == nil, range == nil else {
                throw NeymanError.invalid("give --edges, or --bins with --range, not both", parameter: "edges")
            }
            let perColumn = edges.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard perColumn.count == count else {
                throw NeymanError.invalid("\(perColumn.count) edge list(s) for \(count) column(s); separate columns with ';'",
                                          parameter: "edges")
            }
            return try perColumn.map { list in
                do { return try HistogramAxis(edges: try ModelOptions.numbers(list, option: "edges")) } catch let e as NeymanError {
                    throw NeymanError.invalid(e.message, parameter: "edges")
                }
            }
        }
        guard let bins else { throw NeymanError.invalid("histogram methods need --bins N[,M] or --edges", parameter: "bins") }
        var counts = try ModelOptions.numbers(bins, option: "bins")
        if counts.count == 1 && count == 2 { counts.append(counts[0]) }
        guard counts.count == count, counts.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 <= 1e7 }) else {
            throw NeymanError.invalid("give one positive integer per column (or one for all), got '\(bins)'", parameter: "bins")
        }
        // Two histograms (input and target) of Double sums and counts per cell.
        try MemoryBudget.check(bytes: MemoryBudget.product(counts.map { Int($0) }).flatMap { MemoryBudget.bytes($0, 32) },
                               what: "bins", description: "--bins \(bins) (\(counts.map { String(Int($0)) }.joined(separator: " x ")) cells)",
                               isParameter: true)
        var ranges: [(Double, Double)]
        if let range {
            ranges = try RangeOption.parse(range, columns: count, option: "range").map { ($0.lower, $0.upper) }
        } else {
            ranges = (0..<count).map { a in
                let all = x[a] + (target?[a] ?? [])
                return (all.min() ?? 0, all.max() ?? 0)
            }
            for (a, r) in ranges.enumerated() where !(r.0 < r.1) {
                throw NeymanError.invalid("every value is \(r.0): give --range or --edges", column: columnNames[a], parameter: "range")
            }
        }
        return try zip(counts, ranges).map { try HistogramAxis(bins: Int($0), lower: $1.0, upper: $1.1) }
    }

    var columnNames: [String] { columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    // MARK: Reading

    func loadTarget(_ path: String, _ names: [String]) throws -> (columns: [[Double]], weights: [Double]?) {
        var wanted = names
        if let t = targetWeightColumn, !wanted.contains(t) { wanted.append(t) }
        let ds = try Dataset.load(path: path, columns: wanted)
        return (try names.map { try Self.column(ds, $0, file: path) },
                try targetWeightColumn.map { try Self.weights(ds, $0, file: path) })
    }

    static func column(_ ds: Dataset, _ name: String, file: String) throws -> [Double] {
        do { return try ds.column(name) } catch let e as NeymanError { throw e.inFile(file) }
    }

    /// A weights column, checked (>= 0, not all 0) with the CSV row of the first bad value.
    static func weights(_ ds: Dataset, _ name: String, file: String) throws -> [Double] {
        let w = try column(ds, name, file: file)
        let csv = URL(fileURLWithPath: file).pathExtension.lowercased() == "csv"
        for (i, v) in w.enumerated() where v < 0 {
            throw NeymanError.invalid("weight \(v) is negative" + (csv ? "" : " (element index \(i), 0-based)") + "; weights must be >= 0",
                                      file: file, row: csv ? i + 2 : nil, column: name)
        }
        guard w.contains(where: { $0 > 0 }) else { throw NeymanError.invalid("every weight is 0", file: file, column: name) }
        return w
    }
}
