import ArgumentParser
import Foundation
import NeymanCore
import NeymanSPlot
import NeymanStats

/// `neyman sweights`: extended fit of a mass column, sWeights per event, sum rules and the independence check.
struct SWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweights",
        abstract: "Fit signal + background to a mass column and write per-event sWeights (sPlot).",
        discussion: """
        JSON keys: yields {signal, background}, yield_errors, covariance (2x2 of the yields, signal first), parameters
        (name -> value), parameter_errors, sum_weights {signal, background}, converged, status, method, n, n_in_range,
        weights_written, at_bound (parameters held on an active bound for the covariance: error 0), and with --control: independence {signal, background: {tau, p_value, independent}}.
        Events outside --range take no part in the fit; their rows are kept in the output with sw_signal = sw_background = 0.
        An unconverged fit (also: more free parameters than events in the range, or a Hessian that is not positive
        definite) writes no weights unless --allow-unconverged is given; either way it exits with status 1, and the JSON
        has converged: false and status saying why.
        Example: neyman sweights --input z.csv --mass m --range 70,110 --signal voigt --background exponential \\
                 --fix signal.width=2.4952 --control score --out z_sw.csv --format json
        """
    )

    @OptionGroup var events: EventsInputOptions
    var input: String { events.input }

    @Option(help: "The discriminating variable (column name).")
    var mass: String

    @Option(parsing: .unconditional, help: "The fit range LO:HI (LO,HI also read).")
    var range: String

    @Option(help: "Signal shape: voigt, gauss, crystalball, crystalball2, breitwigner, relbreitwigner.")
    var signal: String

    @Option(help: "Background shape: exponential or chebyshev:N (N = 1..6).")
    var background: String

    @Option(help: "Parameters held fixed, e.g. signal.width=2.4952,background.slope=-0.03.")
    var fix: String?

    @Option(help: "Starting values, e.g. signal.mean=91,signal.sigma=2.")
    var start: String?

    @Option(help: "A control column to test for independence of the mass within each species (weighted Kendall tau).")
    var control: String?

    @Option(help: "sWeight matrix: summation (inverse of the sum over events, default) or fit_covariance (yields' Hesse covariance).")
    var method: SWeightsMethod = .summation

    @Option(help: "Output CSV: the input columns plus sw_signal and sw_background (written atomically).")
    var out: String

    @Flag(help: "Write the weights even if the fit did not converge (they are then flagged, not trusted; the exit status is still 1).")
    var allowUnconverged = false

    @OptionGroup var output: OutputOptions

    /// p-value below which the independence check warns.
    static let independenceThreshold = 0.01

    func run() throws {
        try OutputPath.check(out, option: "out", inputs: [(input, "input")])
        let bounds = try RangeOption.parse(range, option: "range")
        let fitRange = try FitRange(bounds.lower, bounds.upper)
        let model = try SPlotModel(signal: signal, background: background, range: fitRange)
        let fixed = try SPlotOptionParsing.assignments(fix, option: "fix")
        let starts = try SPlotOptionParsing.assignments(start, option: "start")
        let data = try Dataset.load(path: input)
        let masses = try SPlotOptionParsing.column(data, mass, file: input)
        let controlValues = try control.map { try SPlotOptionParsing.column(data, $0, file: input) }
        for name in ["sw_signal", "sw_background"] where data.hasColumn(name) {
            throw NeymanError.invalid("the input already has a column '\(name)'", file: input, column: name)
        }
        try output.withStatus { try fitAndWrite(data: data, masses: masses, controlValues: controlValues, fixed: fixed, starts: starts,
                                                 model: model, method: method) }
    }

    /// The fit, the weights, the checks and the output, under the status convention.
    private func fitAndWrite(data: Dataset, masses: [Double], controlValues: [Double]?, fixed: [String: Double],
                             starts: [String: Double], model: SPlotModel, method: SWeightsMethod) throws {
        let fit: SPlotFitResult
        do { fit = try SPlotFit.fit(masses: masses, model: model, fixed: fixed, start: starts) } catch let e as NeymanError {
            throw e.location.parameter == "range" ? e.inFile(input) : e
        }
        // An unconverged fit may not even give sWeights (W singular); its JSON still comes out, with status.
        let computed: SWeightsResult?
        if fit.converged { computed = try SWeights.compute(fit: fit, masses: masses, method: method) } else {
            computed = try? SWeights.compute(fit: fit, masses: masses, method: method)
        }
        guard let sw = computed else {
            let failure = fit.fit.status + "; no sWeights (the sWeight matrix is singular at this point); no weights written to \(out)"
            try output.report(json(fit: fit, sw: nil, independence: nil, n: masses.count, written: false), failure: failure) {
                "sPlot fit of '\(mass)' NOT converged: \(fit.fit.status)\n  no weights written"
            }
            return
        }
        for (species, dev) in [("signal", sw.sumRuleDeviation.signal), ("background", sw.sumRuleDeviation.background)] where abs(dev) > 1e-6 {
            CLIExit.writeLine("neyman: warning: the \(species) sWeights sum to \(fmt(species == "signal" ? sw.sums.signal : sw.sums.background)), not the yield (relative deviation \(fmt(dev)))")
        }
        var independence: (signal: KendallTauResult, background: KendallTauResult)? = nil
        if let controlValues, let control, fit.converged || allowUnconverged {
            independence = try SPlotIndependence.test(masses: masses, control: controlValues, fit: fit, sweights: sw)
            for (species, r) in [("signal", independence!.signal), ("background", independence!.background)] where !(r.pValue >= Self.independenceThreshold) {
                CLIExit.writeLine("neyman: warning: '\(mass)' and '\(control)' look dependent within the \(species) (weighted Kendall tau \(fmt(r.tau)), p = \(fmt(r.pValue))); its sWeights may not apply to '\(control)'")
            }
        }
        let write = fit.converged || allowUnconverged
        if write {
            try CSVWriter.write(data.namedColumns + [("sw_signal", sw.signal), ("sw_background", sw.background)], to: out)
        }
        if fit.converged && !fit.fit.heldAtBound.isEmpty { CLIExit.writeLine("neyman: warning: \(fit.fit.status)") }
        let members = json(fit: fit, sw: sw, independence: independence, n: masses.count, written: write)
        var failure: String? = nil
        if !fit.converged {
            failure = fit.fit.status + (write ? "; weights written to \(out) anyway (--allow-unconverged)"
                                              : "; no weights written to \(out) (use --allow-unconverged to write them anyway)")
        } else if let key = OutputOptions.firstNonFinite(members) {
            failure = "\(key) is not a finite number"
        }
        try output.report(members, failure: failure) {
            text(fit: fit, sw: sw, independence: independence, written: write)
        }
    }

    private func json(fit: SPlotFitResult, sw: SWeightsResult?, independence: (signal: KendallTauResult, background: KendallTauResult)?,
                      n: Int, written: Bool) -> [(String, JSONValue)] {
        let c = fit.yieldCovariance
        var members: [(String, JSONValue)] = [
            ("yields", .numberObject([("signal", fit.yields.signal), ("background", fit.yields.background)])),
            ("yield_errors", .numberObject([("signal", fit.yieldErrors.signal), ("background", fit.yieldErrors.background)])),
            ("covariance", c.map { .array([.numbers([$0[0], $0[1]]), .numbers([$0[2], $0[3]])]) } ?? .null),
            ("parameters", .numberObject(Array(zip(fit.fit.names, fit.fit.values)))),
            ("parameter_errors", .numberObject(Array(zip(fit.fit.names, fit.fit.uncertainties)))),
            ("sum_weights", sw.map { .numberObject([("signal", $0.sums.signal), ("background", $0.sums.background)]) } ?? .null),
            ("converged", .bool(fit.converged)),
            ("status", .string(fit.fit.status)),
            ("method", .string(sw?.method.rawValue ?? method.rawValue)),
            ("n", .integer(n)),
            ("n_in_range", .integer(fit.eventsInRange.count)),
            ("weights_written", .bool(written)),
            ("at_bound", .array(fit.fit.heldAtBound.map { .string($0) })),
        ]
        if let independence {
            func entry(_ r: KendallTauResult) -> JSONValue {
                .object([("tau", .number(r.tau)), ("p_value", .number(r.pValue)),
                         ("independent", .bool(r.pValue >= Self.independenceThreshold))])
            }
            members.append(("independence", .object([("signal", entry(independence.signal)), ("background", entry(independence.background))])))
        }
        return members
    }

    private func text(fit: SPlotFitResult, sw: SWeightsResult, independence: (signal: KendallTauResult, background: KendallTauResult)?,
                      written: Bool) -> String {
        var lines = ["sPlot fit of '\(mass)' on [\(fmt(fit.model.range.lo)), \(fmt(fit.model.range.hi))] (\(fit.converged ? "converged" : "NOT converged: \(fit.fit.status)"))"]
        for (k, name) in fit.fit.names.enumerated() {
            lines.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) = \(fmt(fit.fit.values[k])) +- \(fmt(fit.fit.uncertainties[k]))")
        }
        lines.append("  sum of sWeights: signal \(fmt(sw.sums.signal)), background \(fmt(sw.sums.background)) (\(sw.method.rawValue))")
        if let independence {
            lines.append("  independence of '\(mass)' and '\(control ?? "")': signal tau \(fmt(independence.signal.tau)) p \(fmt(independence.signal.pValue)); background tau \(fmt(independence.background.tau)) p \(fmt(independence.background.pValue))")
        }
        lines.append(written ? "  wrote \(out)" : "  no weights written")
        return lines.joined(separator: "\n")
    }
}
