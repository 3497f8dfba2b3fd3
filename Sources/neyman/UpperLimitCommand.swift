import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman upper-limit`: the CLs upper limit on mu, observed and expected.
struct UpperLimitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upper-limit",
        abstract: "The CLs upper limit on mu (observed and the five expected values), by bracketing + Brent.",
        discussion: """
        JSON keys: upper_limit, upper_limit_expected (5 values: -2, -1, 0, +1, +2 sigma), cl, test_stat, calculator,
        evaluations, upper_limit_is_lower_bound, upper_limit_expected_is_lower_bound (5), scan_max, mu_upper_used,
        converged, status. When a curve's CLs is still above 1 - CL at the upper bound of mu, the scan extends the bound
        (doubling) up to --scan-max; a limit beyond it is reported as --scan-max with its is_lower_bound flag set.
        With --model whose network is an ensemble, also ensemble: the limit repeated with each member's ratio
        ({members, upper_limit: [...], upper_limit_expected_median: [...], upper_limit_mean, upper_limit_std}); the
        main limit uses the members' mean ratio.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var test: TestOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: "Confidence level, strictly between 0 and 1.", transform: strictDouble("cl"))
    var cl: Double = 0.95

    @Option(name: .customLong("scan-max"), parsing: .unconditional, help: "The largest mu the scan may test (default: 100 times the upper bound of mu, 1000 for 0,10).",
            transform: strictDouble("scan-max"))
    var scanMax: Double?

    @Option(help: "Refused: a limit cannot run in shards (its scan chooses each next mu from the CLs of all toys at the previous ones); shard neyman cls --calculator toys at fixed values of mu instead.")
    var shard: String?

    /// Accepted only so that `--shard K/N --out DIR` gets the refusal's reason, not "unknown option".
    @Option(help: ArgumentHelp("Not used (upper-limit cannot run in shards).", visibility: .hidden))
    var out: String?

    /// The default of `--scan-max`, as a multiple of the upper bound of mu.
    static let defaultScanFactor = 100.0

    /// Why `--shard` is refused.
    static let shardRefusal = "upper-limit cannot run in shards: the scan chooses each next mu from the CLs of all toys at "
        + "the mu values before it, so no shard can run its share alone; shard `neyman cls --calculator toys` at fixed values "
        + "of mu instead (and find where CLs crosses 1 - CL from the merged results)"

    func run() throws {
        if shard != nil || out != nil { throw NeymanError.invalid(Self.shardRefusal, parameter: "shard") }
        if let analysis = try model.unbinned() {
            let members = try model.ensembleMembers(of: analysis)
            let limits = try members.enumerated().map { i, a -> UpperLimitResult in
                if !output.quiet { CLIExit.writeLine("neyman: limit with ensemble member \(i + 1)/\(members.count)") }
                return try limit(a.model, a.data).result
            }
            return try execute(analysis.model, analysis.data, ensemble: limits)
        }
        let (m, data) = try model.build()
        try execute(m, data)
    }

    /// The `--scan-max` in force for a model whose mu has the upper bound `upper`.
    func scanMaximum(upper: Double) throws -> Double {
        guard upper > 0, upper.isFinite else {
            throw NeymanError.invalid("the upper bound of mu is \(upper); a limit needs a positive, finite one", parameter: "mu-bounds")
        }
        let maximum = scanMax ?? Self.defaultScanFactor * upper
        guard maximum.isFinite, maximum >= upper else {
            throw NeymanError.invalid("must be finite and at least the upper bound of mu (\(upper)), got \(maximum)", parameter: "scan-max")
        }
        return maximum
    }

    /// The observed and expected limits with model `m`, and the mu values at which the fits to the observed data did
    /// not converge.
    func limit<M: StatisticalModel>(_ m: M, _ data: M.Data) throws -> (result: UpperLimitResult, unconverged: [Double]) {
        let finder = try UpperLimitFinder(cl: cl)
        let poi = m.parameters[m.poiIndex]
        let maximum = try scanMaximum(upper: poi.upper)
        try test.calc.validate()
        _ = try test.statistic()
        var unconverged: [Double] = []
        let result = try finder.find(upperBound: poi.upper, maximum: maximum, initialGuess: min(1, poi.upper)) { bound in
            let f = try runHypothesisTest(model: bound == poi.upper ? m : m.withPOIBounds(lower: poi.lower, upper: bound),
                                          data: data, options: test, quiet: output.quiet)
            return { mu in
                let r = try f(mu)
                if !r.observedFitsConverged { unconverged.append(mu) }
                return r
            }
        }
        return (result, unconverged)
    }

    /// The limit with model `m` (binned or unbinned); `ensemble` = the limits with each ensemble member's ratio.
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data, ensemble: [UpperLimitResult] = []) throws {
        let poi = m.parameters[m.poiIndex]
        let maximum = try scanMaximum(upper: poi.upper)
        try test.calc.validate()
        _ = try test.statistic()
        try output.withStatus {
            let (result, unconverged) = try limit(m, data)
            var json: [(String, JSONValue)] = [
                ("upper_limit", .number(result.observed)),
                ("upper_limit_expected", .numbers(result.expected)),
                ("cl", .number(cl)),
                ("test_stat", .string(test.testStat.rawValue)),
                ("calculator", .string(test.calculator.rawValue)),
                ("evaluations", .integer(result.evaluations.count)),
                ("upper_limit_is_lower_bound", .bool(result.observedIsLowerBound)),
                ("upper_limit_expected_is_lower_bound", .array(result.expectedIsLowerBound.map { .bool($0) })),
                ("scan_max", .number(maximum)),
                ("mu_upper_used", .number(result.largestBoundUsed)),
                ("converged", .bool(unconverged.isEmpty)),
            ]
            if !ensemble.isEmpty {
                let limits = ensemble.map(\.observed)
                json.append(("ensemble", .object([
                    ("members", .integer(ensemble.count)), ("upper_limit", .numbers(limits)),
                    ("upper_limit_expected_median", .numbers(ensemble.map { $0.expected[2] })),
                    ("upper_limit_mean", .number(SampleSummary.mean(limits))),
                    ("upper_limit_std", .number(SampleSummary.standardDeviation(limits))),
                ])))
            }
            var failure: String? = nil
            if !unconverged.isEmpty {
                failure = "fit not converged: the fits to the observed data did not converge at mu = "
                    + unconverged.sorted().map { "\($0)" }.joined(separator: ", ")
            } else if result.observedIsLowerBound {
                failure = "observed limit above the scan: CLs stays above \(fmt(1 - cl)) up to mu = \(maximum) (--scan-max); "
                    + "upper_limit is a lower bound"
            } else if let key = OutputOptions.firstNonFinite(json) {
                failure = "\(key) is not a finite number"
            }
            if failure == nil && result.expectedIsLowerBound.contains(true) {
                CLIExit.writeLine("neyman: warning: some expected limits lie above mu = \(maximum) (--scan-max) and are reported as lower bounds")
            }
            try output.report(json, failure: failure) {
                func show(_ v: Double, _ lowerBound: Bool) -> String { (lowerBound ? ">" : "") + fmt(v) }
                return """
                \(fmt(100 * cl))% CL upper limit on mu (\(test.testStat.rawValue), \(test.calculator.rawValue))
                  observed = \(show(result.observed, result.observedIsLowerBound))
                  expected [-2s, -1s, median, +1s, +2s] = \(zip(result.expected, result.expectedIsLowerBound).map(show).joined(separator: ", "))
                """ + (result.largestBoundUsed > poi.upper ? "\n  (the scan extended the upper bound of mu to \(fmt(result.largestBoundUsed)))" : "")
                    + (ensemble.isEmpty ? "" : "\n  ensemble of \(ensemble.count) networks, member by member: observed = "
                        + "\(fmt(SampleSummary.mean(ensemble.map(\.observed)))) +- \(fmt(SampleSummary.standardDeviation(ensemble.map(\.observed)))) (member spread)")
            }
        }
    }
}
