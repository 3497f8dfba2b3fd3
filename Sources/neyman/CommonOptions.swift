import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// Output format of a verb.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// `--format`, `--quiet`.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: text (for people) or json (one object on stdout).")
    var format: OutputFormat = .text

    @Flag(help: "No progress display on stderr.")
    var quiet = false

    /// Print `json` as one line, or `text`.
    func emit(_ json: JSONValue, text: () -> String) {
        switch format {
        case .json: print(json.serialized())
        case .text: print(text())
        }
    }
}

/// The binned model shared by `cls`, `upper-limit`, `significance` and `fit`: either pyhf's
/// `simplemodels.uncorrelated_background` given per bin on the command line (comma-separated), or a pyhf JSON
/// workspace (`--workspace`).
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("n"), help: "Observed counts per bin, comma-separated (e.g. 51,48).")
    var observed: String?

    @Option(name: .customLong("s"), help: "Expected signal per bin at mu = 1.")
    var signal: String?

    @Option(name: .customLong("b"), help: "Expected background per bin.")
    var background: String?

    @Option(help: "A pyhf JSON workspace (HistFactory) instead of --n/--s/--b.")
    var workspace: String?

    @Option(help: "The measurement of the workspace to use (default: the first).")
    var measurement: String?

    @Option(name: .customLong("b-uncertainty"), help: "Absolute background uncertainty per bin; omit for a background known exactly.")
    var backgroundUncertainty: String?

    @Option(help: "Constraint of the background uncertainty: poisson (pyhf shapesys, default) or gaussian.")
    var constraint: String = "poisson"

    @Option(name: .customLong("mu-bounds"), help: "Bounds of mu in fits, LO,HI (default 0,10 as pyhf).")
    var muBounds: String = "0,10"

    /// Parses a comma-separated list of numbers for option `--name`.
    static func numbers(_ text: String, option: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Double] = []
        for (i, p) in parts.enumerated() {
            guard let v = Double(p), v.isFinite else {
                throw NeymanError.invalid("value \(i + 1) '\(p)' is not a finite number", parameter: option)
            }
            out.append(v)
        }
        return out
    }

    /// `--mu-bounds LO,HI`, checked.
    func parsedMuBounds() throws -> (lower: Double, upper: Double) {
        let bounds = try Self.numbers(muBounds, option: "mu-bounds")
        guard bounds.count == 2, bounds[0] < bounds[1] else {
            throw NeymanError.invalid("give two increasing values LO,HI", parameter: "mu-bounds")
        }
        return (bounds[0], bounds[1])
    }

    /// The model and the observed data.
    func build() throws -> (BinnedModel, BinnedData) {
        if let workspace {
            guard observed == nil, signal == nil, background == nil, backgroundUncertainty == nil else {
                throw NeymanError.invalid("give either --workspace or --n/--s/--b, not both", parameter: "workspace")
            }
            let ws = try HistFactoryWorkspace.load(path: workspace, measurement: measurement)
            var model = ws.model
            if muBounds != "0,10" {
                let bounds = try parsedMuBounds()
                model = model.withPOIBounds(lower: bounds.lower, upper: bounds.upper)
            }
            return (model, ws.data)
        }
        guard let observed, let signal, let background else {
            let missing = [("n", observed), ("s", signal), ("b", background)].filter { $0.1 == nil }.map { "--\($0.0)" }
            throw NeymanError.invalid("missing \(missing.joined(separator: ", ")) (or give --workspace FILE)", parameter: missing.first.map { String($0.dropFirst(2)) } ?? "n")
        }
        let n = try Self.numbers(observed, option: "n")
        let s = try Self.numbers(signal, option: "s")
        let b = try Self.numbers(background, option: "b")
        let db = try backgroundUncertainty.map { try Self.numbers($0, option: "b-uncertainty") }
        guard n.count == s.count else {
            throw NeymanError.invalid("\(n.count) observed counts but \(s.count) signal values: give one value per bin", parameter: "n")
        }
        for (i, x) in n.enumerated() where x < 0 {
            throw NeymanError.invalid("observed count in bin \(i) is \(x); counts must be >= 0", parameter: "n")
        }
        guard let c = BackgroundConstraint(rawValue: constraint) else {
            throw NeymanError.invalid("unknown constraint '\(constraint)' (poisson or gaussian)", parameter: "constraint")
        }
        let bounds = try parsedMuBounds()
        var model = try BinnedModel.uncorrelatedBackground(signal: s, background: b, uncertainty: db, constraint: c)
        model = model.withPOIBounds(lower: bounds.lower, upper: bounds.upper)
        let data = try model.data(observed: n)
        return (model, data)
    }
}

/// `--calculator`, `--toys`, `--seed`, `--threads`: shared by `cls`, `upper-limit` and `significance`.
struct CalculatorOptions: ParsableArguments {
    @Option(help: "Calculator: asymptotic (CCGV formulae) or toys (pseudo-experiments).")
    var calculator: String = "asymptotic"

    @Option(help: "Pseudo-experiments per hypothesis with --calculator toys.")
    var toys: Int = 2000

    @Option(help: "Random seed (toys are reproducible for a seed, whatever --threads).")
    var seed: UInt64 = 0

    @Option(help: "Threads for toys (default: all cores). Results do not depend on it.")
    var threads: Int?

    func validate() throws {
        guard ["asymptotic", "toys"].contains(calculator) else {
            throw NeymanError.invalid("unknown calculator '\(calculator)' (asymptotic or toys)", parameter: "calculator")
        }
        guard toys > 0 else { throw NeymanError.invalid("must be positive, got \(toys)", parameter: "toys") }
        if let t = threads, t <= 0 { throw NeymanError.invalid("must be positive, got \(t)", parameter: "threads") }
    }
}

/// The hypothesis-test settings shared by `cls` and `upper-limit`.
struct TestOptions: ParsableArguments {
    @Option(name: .customLong("test-stat"), help: "Test statistic: qtilde (default, mu_hat >= 0) or q.")
    var testStat: String = "qtilde"

    @OptionGroup var calc: CalculatorOptions

    var calculator: String { calc.calculator }
    var seed: UInt64 { calc.seed }

    func statistic() throws -> TestStatistic {
        guard let t = TestStatistic(rawValue: testStat), t != .q0 else {
            throw NeymanError.invalid("unknown test statistic '\(testStat)' (qtilde or q)", parameter: "test-stat")
        }
        return t
    }

}

/// The CLs test of one `mu`, with either calculator.
func runHypothesisTest(model: BinnedModel, data: BinnedData, options: TestOptions, quiet: Bool) throws -> (Double) throws -> HypothesisTestResult {
    try options.calc.validate()
    let statistic = try options.statistic()
    if options.calculator == "toys" {
        let calc = try ToyCalculator(model: model, data: data, statistic: statistic, toys: options.calc.toys, seed: options.seed,
                                     threads: options.calc.threads, quiet: quiet)
        return { mu in try calc.test(mu: mu) }
    }
    let calc = try AsymptoticCalculator(model: model, data: data, statistic: statistic)
    return { mu in try calc.test(mu: mu) }
}

/// Formats a number for text output.
func fmt(_ x: Double) -> String {
    x.isFinite ? String(format: "%.6g", x) : "nan"
}
