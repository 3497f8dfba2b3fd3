import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman cls`: the CLs test of one signal strength.
struct ClsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cls",
        abstract: "CLs, CLs+b, CLb and the expected CLs band for one value of mu.",
        discussion: """
        JSON keys: cls, clsb, clb, cls_expected (5 values: -2, -1, 0, +1, +2 sigma, pyhf's order), mu, test_stat,
        calculator, q_obs, converged, status, and with toys: toys, seed, cls_error, clsb_error, clb_error,
        converged_fraction. At mu = 0 signal-plus-background is background-only: CLs+b = CLb and CLs = 1 by definition.
        Example (the pyhf README model): neyman cls --n 51,48 --s 12,11 --b 50,52 --b-uncertainty 3,7 --format json
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var test: TestOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: "The signal strength tested.", transform: strictDouble("mu"))
    var mu: Double = 1

    func run() throws {
        guard mu.isFinite, mu >= 0 else { throw NeymanError.invalid("must be finite and >= 0, got \(mu)", parameter: "mu") }
        let (m, data) = try model.build()
        guard mu <= m.parameters[m.poiIndex].upper else {
            throw NeymanError.invalid("mu = \(mu) lies above the upper bound of mu (\(m.parameters[m.poiIndex].upper)); widen --mu-bounds", parameter: "mu")
        }
        try output.withStatus {
            let r = try runHypothesisTest(model: m, data: data, options: test, quiet: output.quiet)(mu)
            var json: [(String, JSONValue)] = [
                ("cls", .number(r.cls)), ("clsb", .number(r.clsb)), ("clb", .number(r.clb)),
                ("cls_expected", .numbers(r.clsExpected)),
                ("mu", .number(mu)), ("test_stat", .string(r.statistic.rawValue)), ("calculator", .string(r.calculator)),
                ("q_obs", .number(r.observedStatistic)),
            ]
            if let qA = r.asimovStatistic { json.append(("q_asimov", .number(qA))) }
            if r.toys > 0 {
                json += [("toys", .integer(r.toys)), ("seed", .unsigned(test.seed)),
                         ("cls_error", .number(r.clsError ?? .nan)), ("clsb_error", .number(r.clsbError ?? .nan)),
                         ("clb_error", .number(r.clbError ?? .nan)), ("converged_fraction", .number(r.convergedFraction))]
            }
            json.append(("converged", .bool(r.fitsConverged)))
            let failure = Self.failure(r, json)
            if failure == nil && !r.fitsConverged {
                CLIExit.writeLine("neyman: warning: some toy fits did not converge (\(String(format: "%.1f", 100 * r.convergedFraction))% did)")
            }
            try output.report(json, failure: failure) {
                var lines = [
                    "CLs test of mu = \(fmt(mu)) (\(r.statistic.rawValue), \(r.calculator)\(r.toys > 0 ? ", \(r.toys) toys, seed \(test.seed)" : ""))",
                    "  CLs    = \(fmt(r.cls))" + (r.clsError.map { " +- \(fmt($0))" } ?? ""),
                    "  CLs+b  = \(fmt(r.clsb))",
                    "  CLb    = \(fmt(r.clb))",
                    "  q_obs  = \(fmt(r.observedStatistic))",
                    "  expected CLs [-2s, -1s, median, +1s, +2s] = " + r.clsExpected.map(fmt).joined(separator: ", "),
                ]
                if mu == 0 { lines.append("  (mu = 0: signal-plus-background is background-only, so CLs = 1 by definition)") }
                if !r.fitsConverged { lines.append("  WARNING: not every fit converged") }
                return lines.joined(separator: "\n")
            }
        }
    }

    /// What makes a CLs result a failure: unconverged fits to the observed (or Asimov) data, CLb = 0 with toys, or
    /// any number that is not finite.
    static func failure(_ r: HypothesisTestResult, _ json: [(String, JSONValue)]) -> String? {
        if !r.observedFitsConverged {
            return "fit not converged: the fits to the observed\(r.toys == 0 ? " or Asimov" : "") data at mu = \(r.mu) did not converge"
        }
        if r.toys > 0 && r.clb == 0 {
            return "CLs undefined: no background-only toy of \(r.toys) reached q_obs (CLb = 0); use more toys"
        }
        if let key = OutputOptions.firstNonFinite(json) { return "\(key) is not a finite number" }
        return nil
    }
}

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

    /// The default of `--scan-max`, as a multiple of the upper bound of mu.
    static let defaultScanFactor = 100.0

    func run() throws {
        let finder = try UpperLimitFinder(cl: cl)
        let (m, data) = try model.build()
        let poi = m.parameters[m.poiIndex]
        guard poi.upper > 0, poi.upper.isFinite else {
            throw NeymanError.invalid("the upper bound of mu is \(poi.upper); a limit needs a positive, finite one", parameter: "mu-bounds")
        }
        let maximum = scanMax ?? Self.defaultScanFactor * poi.upper
        guard maximum.isFinite, maximum >= poi.upper else {
            throw NeymanError.invalid("must be finite and at least the upper bound of mu (\(poi.upper)), got \(maximum)", parameter: "scan-max")
        }
        try test.calc.validate()
        _ = try test.statistic()
        try output.withStatus {
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
            let json: [(String, JSONValue)] = [
                ("upper_limit", .number(result.observed)),
                ("upper_limit_expected", .numbers(result.expected)),
                ("cl", .number(cl)),
                ("test_stat", .string(test.testStat)),
                ("calculator", .string(test.calculator)),
                ("evaluations", .integer(result.evaluations.count)),
                ("upper_limit_is_lower_bound", .bool(result.observedIsLowerBound)),
                ("upper_limit_expected_is_lower_bound", .array(result.expectedIsLowerBound.map { .bool($0) })),
                ("scan_max", .number(maximum)),
                ("mu_upper_used", .number(result.largestBoundUsed)),
                ("converged", .bool(unconverged.isEmpty)),
            ]
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
                \(fmt(100 * cl))% CL upper limit on mu (\(test.testStat), \(test.calculator))
                  observed = \(show(result.observed, result.observedIsLowerBound))
                  expected [-2s, -1s, median, +1s, +2s] = \(zip(result.expected, result.expectedIsLowerBound).map(show).joined(separator: ", "))
                """ + (result.largestBoundUsed > poi.upper ? "\n  (the scan extended the upper bound of mu to \(fmt(result.largestBoundUsed)))" : "")
            }
        }
    }
}

/// `neyman significance`: discovery significance from q0.
struct SignificanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "significance",
        abstract: "Discovery significance: q0, its p-value p0 and Z.",
        discussion: """
        JSON keys: z, p0, q0, calculator, converged, status, and expected_z (asymptotic: median Z for mu = 1);
        toys: toys, seed, p0_error, z_is_lower_bound.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var calc: CalculatorOptions

    func run() throws {
        let (m, data) = try model.build()
        try calc.validate()
        try output.withStatus {
            let r = calc.calculator == "toys"
                ? try Significance.toys(model: m, data: data, toys: calc.toys, seed: calc.seed, threads: calc.threads, quiet: output.quiet)
                : try Significance.asymptotic(model: m, data: data)
            let bound = r.zLowerBound
            var json: [(String, JSONValue)] = [("z", .number(bound ?? r.z)), ("p0", .number(r.p0)), ("q0", .number(r.q0)),
                                               ("calculator", .string(r.calculator))]
            if let e = r.expectedZ { json.append(("expected_z", .number(e))) }
            if r.toys > 0 {
                json += [("toys", .integer(r.toys)), ("seed", .unsigned(calc.seed)), ("p0_error", .number(r.p0Error ?? .nan)),
                         ("z_is_lower_bound", .bool(bound != nil))]
            }
            json.append(("converged", .bool(r.fitsConverged)))
            var failure: String? = nil
            if !r.observedFitsConverged {
                failure = "fit not converged: the fits to the observed\(r.toys == 0 ? " or Asimov" : "") data did not converge"
            } else if let bound {
                failure = "p0 below the toy resolution: none of \(r.toys) background-only toys reached q0 = \(fmt(r.q0)); "
                    + "z = \(fmt(bound)) is a lower bound (use more toys or the asymptotic calculator)"
            } else if let key = OutputOptions.firstNonFinite(json) {
                failure = "\(key) is not a finite number"
            }
            if failure == nil && !r.fitsConverged { CLIExit.writeLine("neyman: warning: some toy fits did not converge") }
            try output.report(json, failure: failure) {
                "Discovery significance (\(r.calculator))\n  q0 = \(fmt(r.q0))\n  p0 = \(fmt(r.p0))\n  Z  = \(bound == nil ? "" : ">")\(fmt(bound ?? r.z))"
                    + (r.expectedZ.map { "\n  expected Z (mu = 1) = \(fmt($0))" } ?? "")
            }
        }
    }
}

/// `neyman fit`: maximum-likelihood fit with Hesse uncertainties.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Maximum-likelihood fit of mu and the nuisance parameters, with uncertainties from the Hessian.",
        discussion: """
        JSON keys: mu_hat, mu_uncertainty, parameters (name -> value), uncertainties (name -> value), twice_nll,
        converged, status, at_bound (parameters held on an active bound for the covariance: uncertainty 0). A fit that did not converge, or whose Hessian is not positive definite (a parameter the data
        do not determine), is converged: false and exits with status 1.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let (m, data) = try model.build()
        try output.withStatus {
            let fit = try ProfileLikelihood(model: m).fit(data)
            let poi = m.poiIndex
            let json: [(String, JSONValue)] = [
                ("mu_hat", .number(fit.values[poi])),
                ("mu_uncertainty", .number(fit.uncertainties[poi])),
                ("parameters", .numberObject(Array(zip(fit.names, fit.values)))),
                ("uncertainties", .numberObject(Array(zip(fit.names, fit.uncertainties)))),
                ("twice_nll", .number(fit.twiceNLL)),
                ("converged", .bool(fit.converged)),
                ("status", .string(fit.status)),
                ("at_bound", .array(fit.heldAtBound.map { .string($0) })),
            ]
            if fit.converged && !fit.heldAtBound.isEmpty { CLIExit.writeLine("neyman: warning: \(fit.status)") }
            var failure: String? = fit.converged ? nil : fit.status
            if failure == nil, let key = OutputOptions.firstNonFinite(json) { failure = "\(key) is not a finite number" }
            try output.report(json, failure: failure) {
                var lines = ["Maximum-likelihood fit (\(fit.converged ? "converged" : "NOT converged: \(fit.status)"))"]
                for (k, name) in fit.names.enumerated() {
                    lines.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) = \(fmt(fit.values[k])) +- \(fmt(fit.uncertainties[k]))")
                }
                lines.append("  twice_nll = \(fmt(fit.twiceNLL))")
                return lines.joined(separator: "\n")
            }
        }
    }
}
