import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats
import NeymanAnalysis

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

/// The exit status and `status` key convention of `cls`, `upper-limit`, `significance`, `fit`, `sweights` and `dcor`
/// (README.md, "Exit status and status key"):
///
/// - exit 0: the result is complete; with `--format json` the object has `"status": "ok"`.
/// - exit 1: a numerical failure; with `--format json` the object still comes out on stdout, with `"status"` saying
///   what failed (and whatever partial results exist), and `neyman: error: ...` goes to stderr.
/// - exit 2: bad input; nothing on stdout, one line on stderr.
///
/// A verb never exits 0 with a null or NaN where it promises a number.
extension OutputOptions {
    /// Prints a verb's result with its `status` key (`"ok"` when `failure` is nil; an existing `status` member is
    /// replaced in place, otherwise it is appended), then throws when `failure` is set.
    func report(_ members: [(String, JSONValue)], failure: String?, text: () -> String) throws {
        var m = members
        let status = JSONValue.string(failure ?? "ok")
        if let k = m.firstIndex(where: { $0.0 == "status" }) { m[k].1 = status } else { m.append(("status", status)) }
        emit(.object(m), text: text)
        if let failure { throw EmittedFailure(error: .numericalFailure(failure)) }
    }

    /// Runs a verb's body: a numerical ``NeymanError`` it throws before printing its result is printed, with
    /// `--format json`, as `{"status": "<message>"}` on stdout; the error then goes on to the usual exit 1.
    func withStatus(_ body: () throws -> Void) throws {
        do { try body() } catch let e as EmittedFailure {
            throw e.error
        } catch let e as NeymanError where !e.isUserError {
            if format == .json { print(JSONValue.object([("status", .string(e.description))]).serialized()) }
            throw e
        }
    }

    /// The first number of `members` (searched depth-first, arrays and objects included) that is NaN or infinite,
    /// named by its JSON path (`cls_expected[2]`), or nil.
    static func firstNonFinite(_ members: [(String, JSONValue)]) -> String? {
        func search(_ v: JSONValue, _ path: String) -> String? {
            switch v {
            case .number(let d): return d.isFinite ? nil : path
            case .array(let items):
                for (i, item) in items.enumerated() { if let p = search(item, "\(path)[\(i)]") { return p } }
                return nil
            case .object(let ms):
                for (k, item) in ms { if let p = search(item, path.isEmpty ? k : "\(path).\(k)") { return p } }
                return nil
            default: return nil
            }
        }
        return search(.object(members), "")
    }
}

/// A numerical failure whose JSON object (with its `status`) is already on stdout.
struct EmittedFailure: Error {
    let error: NeymanError
}

/// A Double typed by the user, by ``StrictNumber`` (no hex, no NUL, no spaces): for `@Option(transform:)`.
func strictDouble(_ option: String) -> (String) throws -> Double {
    { text in
        guard let v = StrictNumber.double(text) else {
            throw ValidationError("'\(text)' is not a decimal number (for --\(option))")
        }
        return v
    }
}

/// The binned model shared by `cls`, `upper-limit`, `significance` and `fit`: either pyhf's
/// `simplemodels.uncorrelated_background` given per bin on the command line (comma-separated), or a pyhf JSON
/// workspace (`--workspace`).
///
/// List options take their value unconditionally, so a value may start with `-` (`--s -12,11` reaches the domain
/// check, which names the option and the value, instead of "missing value").
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("n"), parsing: .unconditional, help: "Observed counts per bin, comma-separated (e.g. 51,48).")
    var observed: String?

    @Option(name: .customLong("s"), parsing: .unconditional, help: "Expected signal per bin at mu = 1.")
    var signal: String?

    @Option(name: .customLong("b"), parsing: .unconditional, help: "Expected background per bin.")
    var background: String?

    @Option(help: "A pyhf JSON workspace (HistFactory) instead of --n/--s/--b.")
    var workspace: String?

    @Option(help: "The measurement of the workspace to use (default: the first).")
    var measurement: String?

    @Option(help: "An unbinned model file ([model] TOML: data, simulated signal and background, the per-event ratio, systematics) instead of --n/--s/--b or --workspace.")
    var model: String?

    @Option(name: .customLong("b-uncertainty"), parsing: .unconditional,
            help: "Absolute background uncertainty per bin; omit for a background known exactly.")
    var backgroundUncertainty: String?

    @Option(help: "Constraint of the background uncertainty: poisson (pyhf shapesys, default) or gaussian.")
    var constraint: BackgroundConstraint = .poisson

    @Option(name: .customLong("mu-bounds"), parsing: .unconditional,
            help: "Bounds of mu in fits, LO,HI (default: 0,10 as pyhf for --n/--s/--b; the workspace's own bounds for --workspace).")
    var muBounds: String?

    @Option(name: .customLong("profile-gammas"),
            help: "How fits treat per-bin gammas (shapesys, staterror): analytic (default: each alone in its bin profiled in closed form, the same minimum, faster) or numeric (every parameter fitted numerically).")
    var profileGammas: GammaProfiling?

    /// The bounds of mu when `--mu-bounds` is not given, for `--n/--s/--b` (pyhf's `simplemodels`).
    static let defaultMuBounds = (lower: 0.0, upper: 10.0)

    /// Parses a comma-separated list of numbers for option `--name` (``StrictNumber``: no hex, no NUL, no spaces
    /// inside a value); every value must be finite.
    static func numbers(_ text: String, option: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Double] = []
        for (i, p) in parts.enumerated() {
            guard let v = StrictNumber.double(p), v.isFinite else {
                throw NeymanError.invalid("value \(i + 1) '\(p)' is not a finite decimal number", parameter: option)
            }
            out.append(v)
        }
        return out
    }

    /// ``numbers(_:option:)`` and a domain check of each value: `>= 0` (or `> 0` when `positive`), at most
    /// ``BinnedModel/maximumCount``; the message names the option, the 1-based value and the bin.
    static func counts(_ text: String, option: String, what: String, positive: Bool) throws -> [Double] {
        let values = try numbers(text, option: option)
        for (i, v) in values.enumerated() {
            guard positive ? v > 0 : v >= 0 else {
                throw NeymanError.invalid("value \(i + 1) (bin \(i)) is \(v): \(what) must be \(positive ? "> 0" : ">= 0")", parameter: option)
            }
            guard v <= BinnedModel.maximumCount else {
                throw NeymanError.invalid("value \(i + 1) (bin \(i)) is \(v): \(what) must be at most \(String(format: "%g", BinnedModel.maximumCount)) "
                                          + "(beyond it the likelihood's rounding swamps the test statistic)", parameter: option)
            }
        }
        return values
    }

    /// `--mu-bounds LO,HI`, checked; nil when not given.
    func parsedMuBounds() throws -> (lower: Double, upper: Double)? {
        guard let muBounds else { return nil }
        let bounds = try Self.numbers(muBounds, option: "mu-bounds")
        guard bounds.count == 2, bounds[0] < bounds[1] else {
            throw NeymanError.invalid("give two increasing values LO,HI", parameter: "mu-bounds")
        }
        return (bounds[0], bounds[1])
    }

    /// The unbinned analysis of `--model`, or `nil` when it is not given. Warns on stderr when the ratio fails its
    /// closure test on the background sample (mean of r more than 3 Monte Carlo errors from 1).
    func unbinned() throws -> UnbinnedAnalysis? {
        guard let model else { return nil }
        var others = [("workspace", workspace), ("measurement", measurement), ("n", observed), ("s", signal), ("b", background),
                      ("b-uncertainty", backgroundUncertainty)]
        others.append(("profile-gammas", profileGammas?.rawValue))
        if let clash = others.first(where: { $0.1 != nil }) {
            throw NeymanError.invalid("give either --model or --\(clash.0), not both", parameter: "model")
        }
        let analysis = try UnbinnedAnalysis.load(path: model, muBounds: try parsedMuBounds().map { $0.lower...$0.upper })
        let c = analysis.backgroundClosure
        if let n = analysis.normalisation, abs(n.mean - 1) > 3 * n.error {
            CLIExit.writeLine("neyman: note: the network's ratio averaged \(fmt(n.mean)) +- \(fmt(n.error)) over the background sample, "
                              + "not 1; it was divided by its mean ([model.ratio] normalise = true)")
        } else if abs(c.pull) > 3 {
            CLIExit.writeLine("neyman: warning: the ratio's weighted mean over the background sample is \(fmt(c.mean)) +- \(fmt(c.error)), "
                              + "not 1: it is not the density ratio of these samples (calibrate the network: [model.ratio] calibration)")
        }
        return analysis
    }

    /// With an ensemble network (``UnbinnedAnalysis/ensembleSize`` >= 2): the analysis once per member, each with that
    /// member's ratio and the same `--mu-bounds`; empty otherwise.
    func ensembleMembers(of analysis: UnbinnedAnalysis) throws -> [UnbinnedAnalysis] {
        guard analysis.ensembleSize >= 2 else { return [] }
        let bounds = try parsedMuBounds().map { $0.lower...$0.upper }
        return try (0..<analysis.ensembleSize).map { try analysis.member($0, muBounds: bounds) }
    }

    /// The model and the observed data, checked to be testable (``BinnedModel/checkTestable(_:)``).
    func build() throws -> (BinnedModel, BinnedData) {
        var (model, data) = try buildUnchecked()
        model.gammaProfiling = profileGammas ?? .analytic
        do { try model.checkTestable(data) } catch let e as NeymanError {
            throw workspace.map { e.inFile($0) } ?? e
        }
        return (model, data)
    }

    private func buildUnchecked() throws -> (BinnedModel, BinnedData) {
        let bounds = try parsedMuBounds()
        if let workspace {
            guard observed == nil, signal == nil, background == nil, backgroundUncertainty == nil else {
                throw NeymanError.invalid("give either --workspace or --n/--s/--b, not both", parameter: "workspace")
            }
            let ws = try HistFactoryWorkspace.load(path: workspace, measurement: measurement)
            var model = ws.model
            if let bounds { model = model.withPOIBounds(lower: bounds.lower, upper: bounds.upper) }
            return (model, ws.data)
        }
        if measurement != nil {
            throw NeymanError.invalid("--measurement names a measurement of a workspace: it goes with --workspace", parameter: "measurement")
        }
        guard let observed, let signal, let background else {
            let missing = [("n", observed), ("s", signal), ("b", background)].filter { $0.1 == nil }.map { "--\($0.0)" }
            throw NeymanError.invalid("missing \(missing.joined(separator: ", ")) (or give --workspace FILE)", parameter: missing.first.map { String($0.dropFirst(2)) } ?? "n")
        }
        let n = try Self.counts(observed, option: "n", what: "an observed count", positive: false)
        let s = try Self.counts(signal, option: "s", what: "a signal yield", positive: false)
        let b = try Self.counts(background, option: "b", what: "a background yield", positive: true)
        let db = try backgroundUncertainty.map { try Self.counts($0, option: "b-uncertainty", what: "a background uncertainty", positive: true) }
        guard n.count == s.count else {
            throw NeymanError.invalid("\(n.count) observed counts but \(s.count) signal values: give one value per bin", parameter: "n")
        }
        let c = constraint
        var model = try BinnedModel.uncorrelatedBackground(signal: s, background: b, uncertainty: db, constraint: c)
        let mu = bounds ?? Self.defaultMuBounds
        model = model.withPOIBounds(lower: mu.lower, upper: mu.upper)
        let data = try model.data(observed: n)
        return (model, data)
    }
}

/// `--threads`: worker threads for the parallel parts of a verb. Every parallel computation in Neyman gives the same
/// result whatever the thread count (per-task random streams, fixed reduction order), so this only sets the speed.
struct ParallelismOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    func validate() throws {
        if let t = threads, t <= 0 { throw NeymanError.invalid("must be positive, got \(t)", parameter: "threads") }
    }
}

/// `--input`: a table of events, read by extension (CSV with a header row, or NPY/NPZ members as columns).
struct EventsInputOptions: ParsableArguments {
    @Option(help: "Input events: CSV with a header row, or .npy/.npz (members as columns).")
    var input: String
}

/// `--label` and `--weight`: the truth column and the per-event weights of the verbs that score classifiers against
/// labels (`auc`, `ado`).
struct LabelOptions: ParsableArguments {
    @Option(help: "Label column: 1 = signal, 0 = background.")
    var label: String?

    @Option(help: "Per-event weight column, with --label (any sign; each class's sum must be non-zero).")
    var weight: String?
}

/// `--seed`: the seed every random number of a verb derives from (unsigned 64-bit).
struct SeedOptions: ParsableArguments {
    @Option(help: "Random seed: results are reproducible for a seed, whatever --threads.")
    var seed: UInt64 = 0
}

/// `--calculator`, `--toys`, `--seed`, `--threads`: shared by `cls`, `upper-limit` and `significance`.
struct CalculatorOptions: ParsableArguments {
    @Option(help: "Calculator: asymptotic (CCGV formulae) or toys (pseudo-experiments).")
    var calculator: Calculator = .asymptotic

    @Option(help: "Pseudo-experiments per hypothesis with --calculator toys (at least 100).")
    var toys: Int = 2000

    @OptionGroup var seeding: SeedOptions
    var seed: UInt64 { seeding.seed }

    @OptionGroup var parallelism: ParallelismOptions
    var threads: Int? { parallelism.threads }

    /// Memory per pseudo-experiment: the statistic under each hypothesis, their sorted copies, the expected-band
    /// arrays and the per-toy result tuple (about 12 doubles; 128 bytes is a safe bound).
    static let bytesPerToy = 128

    func validate() throws {
        guard calculator == .toys else { return }
        let minimum = ToyCalculator<BinnedModel>.minimumToys
        guard toys >= minimum else {
            throw NeymanError.invalid("\(toys) toys are too few: a toy p-value needs at least \(minimum) "
                                      + "(its resolution is 1/toys, and the -2 sigma band edge is the 2.3% quantile)", parameter: "toys")
        }
        try MemoryBudget.check(count: toys, bytesPerElement: Self.bytesPerToy, what: "toys", isParameter: true)
    }
}

/// The hypothesis-test settings shared by `cls` and `upper-limit`.
struct TestOptions: ParsableArguments {
    @Option(name: .customLong("test-stat"), help: "Test statistic: qtilde (default, mu_hat >= 0) or q.")
    var testStat: LimitTestStatistic = .qtilde

    @OptionGroup var calc: CalculatorOptions

    var calculator: Calculator { calc.calculator }
    var seed: UInt64 { calc.seed }

    func statistic() throws -> TestStatistic { testStat.statistic }

}

/// The CLs test of one `mu`, with either calculator.
func runHypothesisTest<M: StatisticalModel>(model: M, data: M.Data, options: TestOptions, quiet: Bool) throws -> (Double) throws -> HypothesisTestResult {
    try options.calc.validate()
    let statistic = try options.statistic()
    if options.calculator == .toys {
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
