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
        calculator, q_obs, and with toys: toys, seed, cls_error, clsb_error, clb_error.
        Example (the pyhf README model): neyman cls --n 51,48 --s 12,11 --b 50,52 --b-uncertainty 3,7 --format json
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var test: TestOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The signal strength tested.")
    var mu: Double = 1

    func run() throws {
        guard mu.isFinite, mu >= 0 else { throw NeymanError.invalid("must be finite and >= 0, got \(mu)", parameter: "mu") }
        let (m, data) = try model.build()
        guard mu <= m.parameters[m.poiIndex].upper else {
            throw NeymanError.invalid("mu = \(mu) lies above the upper bound of mu (\(m.parameters[m.poiIndex].upper)); widen --mu-bounds", parameter: "mu")
        }
        let r = try runHypothesisTest(model: m, data: data, options: test, quiet: output.quiet)(mu)
        if !r.fitsConverged {
            CLIExit.writeLine("neyman: warning: not every fit converged (\(String(format: "%.1f", 100 * r.convergedFraction))% of toy fits did)")
        }
        var json: [(String, JSONValue)] = [
            ("cls", .number(r.cls)), ("clsb", .number(r.clsb)), ("clb", .number(r.clb)),
            ("cls_expected", .numbers(r.clsExpected)),
            ("mu", .number(mu)), ("test_stat", .string(r.statistic.rawValue)), ("calculator", .string(r.calculator)),
            ("q_obs", .number(r.observedStatistic)),
        ]
        if let qA = r.asimovStatistic { json.append(("q_asimov", .number(qA))) }
        if r.toys > 0 {
            json += [("toys", .integer(r.toys)), ("seed", .integer(Int(truncatingIfNeeded: test.seed))),
                     ("cls_error", .number(r.clsError ?? .nan)), ("clsb_error", .number(r.clsbError ?? .nan)),
                     ("clb_error", .number(r.clbError ?? .nan))]
        }
        json.append(("converged", .bool(r.fitsConverged)))
        output.emit(.object(json)) {
            var lines = [
                "CLs test of mu = \(fmt(mu)) (\(r.statistic.rawValue), \(r.calculator)\(r.toys > 0 ? ", \(r.toys) toys, seed \(test.seed)" : ""))",
                "  CLs    = \(fmt(r.cls))" + (r.clsError.map { " +- \(fmt($0))" } ?? ""),
                "  CLs+b  = \(fmt(r.clsb))",
                "  CLb    = \(fmt(r.clb))",
                "  q_obs  = \(fmt(r.observedStatistic))",
                "  expected CLs [-2s, -1s, median, +1s, +2s] = " + r.clsExpected.map(fmt).joined(separator: ", "),
            ]
            if !r.fitsConverged { lines.append("  WARNING: not every fit converged") }
            return lines.joined(separator: "\n")
        }
    }
}

/// `neyman upper-limit`: the CLs upper limit on mu, observed and expected.
struct UpperLimitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upper-limit",
        abstract: "The CLs upper limit on mu (observed and the five expected values), by bracketing + Brent.",
        discussion: "JSON keys: upper_limit, upper_limit_expected (5 values: -2, -1, 0, +1, +2 sigma), cl, test_stat, calculator."
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var test: TestOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Confidence level, strictly between 0 and 1.")
    var cl: Double = 0.95

    func run() throws {
        let finder = try UpperLimitFinder(cl: cl)
        let (m, data) = try model.build()
        let testFunction = try runHypothesisTest(model: m, data: data, options: test, quiet: output.quiet)
        let upper = m.parameters[m.poiIndex].upper
        let result = try finder.find(upperBound: upper, initialGuess: min(1, upper), test: testFunction)
        let json: JSONValue = .object([
            ("upper_limit", .number(result.observed)),
            ("upper_limit_expected", .numbers(result.expected)),
            ("cl", .number(cl)),
            ("test_stat", .string(test.testStat)),
            ("calculator", .string(test.calculator)),
            ("evaluations", .integer(result.evaluations.count)),
        ])
        output.emit(json) {
            """
            \(fmt(100 * cl))% CL upper limit on mu (\(test.testStat), \(test.calculator))
              observed = \(fmt(result.observed))
              expected [-2s, -1s, median, +1s, +2s] = \(result.expected.map(fmt).joined(separator: ", "))
            """
        }
    }
}

/// `neyman significance`: discovery significance from q0.
struct SignificanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "significance",
        abstract: "Discovery significance: q0, its p-value p0 and Z.",
        discussion: "JSON keys: z, p0, q0, calculator, and expected_z (asymptotic: median Z for mu = 1)."
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var calc: CalculatorOptions

    func run() throws {
        let (m, data) = try model.build()
        try calc.validate()
        let r = calc.calculator == "toys"
            ? try Significance.toys(model: m, data: data, toys: calc.toys, seed: calc.seed, threads: calc.threads, quiet: output.quiet)
            : try Significance.asymptotic(model: m, data: data)
        var json: [(String, JSONValue)] = [("z", .number(r.z)), ("p0", .number(r.p0)), ("q0", .number(r.q0)),
                                           ("calculator", .string(r.calculator))]
        if let e = r.expectedZ { json.append(("expected_z", .number(e))) }
        if r.toys > 0 { json += [("toys", .integer(r.toys)), ("p0_error", .number(r.p0Error ?? .nan))] }
        json.append(("converged", .bool(r.fitsConverged)))
        output.emit(.object(json)) {
            "Discovery significance (\(r.calculator))\n  q0 = \(fmt(r.q0))\n  p0 = \(fmt(r.p0))\n  Z  = \(fmt(r.z))"
                + (r.expectedZ.map { "\n  expected Z (mu = 1) = \(fmt($0))" } ?? "")
        }
    }
}

/// `neyman fit`: maximum-likelihood fit with Hesse uncertainties.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Maximum-likelihood fit of mu and the nuisance parameters, with uncertainties from the Hessian.",
        discussion: "JSON keys: mu_hat, mu_uncertainty, parameters (name -> value), uncertainties (name -> value), twice_nll, converged."
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let (m, data) = try model.build()
        let fit = try ProfileLikelihood(model: m).fit(data)
        if !fit.converged { CLIExit.writeLine("neyman: warning: the fit did not converge: \(fit.status)") }
        let poi = m.poiIndex
        let json: JSONValue = .object([
            ("mu_hat", .number(fit.values[poi])),
            ("mu_uncertainty", .number(fit.uncertainties[poi])),
            ("parameters", .numberObject(Array(zip(fit.names, fit.values)))),
            ("uncertainties", .numberObject(Array(zip(fit.names, fit.uncertainties)))),
            ("twice_nll", .number(fit.twiceNLL)),
            ("converged", .bool(fit.converged)),
            ("status", .string(fit.status)),
        ])
        output.emit(json) {
            var lines = ["Maximum-likelihood fit (\(fit.converged ? "converged" : "NOT converged: \(fit.status)"))"]
            for (k, name) in fit.names.enumerated() {
                lines.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) = \(fmt(fit.values[k])) +- \(fmt(fit.uncertainties[k]))")
            }
            lines.append("  twice_nll = \(fmt(fit.twiceNLL))")
            return lines.joined(separator: "\n")
        }
    }
}
