import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

/// `neyman fit`: maximum-likelihood fit with Hesse uncertainties.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Maximum-likelihood fit of mu and the nuisance parameters, with uncertainties from the Hessian.",
        discussion: """
        JSON keys: mu_hat, mu_uncertainty, parameters (name -> value), uncertainties (name -> value), twice_nll,
        converged, status, at_bound (parameters held on an active bound for the covariance: uncertainty 0),
        mu_interval ([lo, hi] where -2 ln lambda(mu) = 1, the profile-likelihood 68% interval; with --interval),
        scan ({mu: [...], delta_twice_nll: [...]}, the profile of -2 ln lambda(mu); with --scan LO:HI). A fit that did not converge, or whose Hessian is not positive definite (a parameter the data
        do not determine), is converged: false and exits with status 1.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Profile scan of mu over LO:HI: -2 ln lambda(mu) at --scan-points values (JSON key scan).")
    var scan: String?

    @Option(name: .customLong("scan-points"), help: "Points of --scan (2 ... 100000).")
    var scanPoints: Int = 41

    @Flag(help: "Also find the profile-likelihood 68% interval of mu, where -2 ln lambda(mu) = 1 (JSON key mu_interval).")
    var interval = false

    func run() throws {
        if scan != nil { guard (2...100_000).contains(scanPoints) else { throw NeymanError.invalid("must be in 2 ... 100000, got \(scanPoints)", parameter: "scan-points") } }
        if let analysis = try model.unbinned() { return try execute(analysis.model, analysis.data) }
        let (m, data) = try model.build()
        try execute(m, data)
    }

    /// The fit of `data` with model `m` (binned or unbinned).
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data) throws {
        try output.withStatus {
            let profile = ProfileLikelihood(model: m)
            let fit = try profile.fit(data)
            let poi = m.poiIndex
            let range = try scan.map { try RangeOption.parse($0, option: "scan") }
            var json: [(String, JSONValue)] = [
                ("mu_hat", .number(fit.values[poi])),
                ("mu_uncertainty", .number(fit.uncertainties[poi])),
                ("parameters", .numberObject(Array(zip(fit.names, fit.values)))),
                ("uncertainties", .numberObject(Array(zip(fit.names, fit.uncertainties)))),
                ("twice_nll", .number(fit.twiceNLL)),
                ("converged", .bool(fit.converged)),
                ("status", .string(fit.status)),
                ("at_bound", .array(fit.heldAtBound.map { .string($0) })),
            ]
            var extra: [String] = []
            if interval && fit.converged {
                let i = try profile.interval(data, free: fit)
                json.append(("mu_interval", .numbers([i.lower, i.upper])))
                extra.append("  68% interval of \(fit.names[poi]) (-2 ln lambda = 1): [\(fmt(i.lower)), \(fmt(i.upper))]"
                             + (i.lowerIsBound || i.upperIsBound ? " (an end is the bound of mu)" : ""))
            }
            if let range {
                let mus = (0..<scanPoints).map { range.lower + (range.upper - range.lower) * Double($0) / Double(scanPoints - 1) }
                let values = try profile.scan(data, mus: mus).values
                json.append(("scan", .object([("mu", .numbers(mus)), ("delta_twice_nll", .numbers(values))])))
                extra.append("  profile scan: -2 ln lambda(mu)")
                for (mu, v) in zip(mus, values) { extra.append("    \(fmt(mu))  \(fmt(v))") }
            }
            if fit.converged && !fit.heldAtBound.isEmpty { CLIExit.writeLine("neyman: warning: \(fit.status)") }
            var failure: String? = fit.converged ? nil : fit.status
            if failure == nil, let key = OutputOptions.firstNonFinite(json) { failure = "\(key) is not a finite number" }
            try output.report(json, failure: failure) {
                var lines = ["Maximum-likelihood fit (\(fit.converged ? "converged" : "NOT converged: \(fit.status)"))"]
                for (k, name) in fit.names.enumerated() {
                    lines.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) = \(fmt(fit.values[k])) +- \(fmt(fit.uncertainties[k]))")
                }
                lines.append("  twice_nll = \(fmt(fit.twiceNLL))")
                return (lines + extra).joined(separator: "\n")
            }
        }
    }
}
