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
        scan ({mu: [...], delta_twice_nll: [...]}, the profile of -2 ln lambda(mu); with --scan LO:HI), ensemble (with
        --model whose network is an ensemble: the fit repeated with each member's ratio, {members, mu_hat: [...],
        mu_uncertainty: [...], converged: [...], mu_hat_mean, mu_hat_std}; the main fit uses the members' mean ratio).
        A fit that did not converge, or whose Hessian is not positive definite (a parameter the data do not determine),
        is converged: false and exits with status 1.
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
        if let analysis = try model.unbinned() {
            let members = try model.ensembleMembers(of: analysis)
            let fits = try members.enumerated().map { i, a -> FitResult in
                if !output.quiet { CLIExit.writeLine("neyman: fitting with ensemble member \(i + 1)/\(members.count)") }
                return try ProfileLikelihood(model: a.model).fit(a.data)
            }
            return try execute(analysis.model, analysis.data, ensemble: fits)
        }
        let (m, data) = try model.build()
        try execute(m, data)
    }

    /// The `ensemble` key: the fits with each member's ratio.
    static func ensembleJSON(_ fits: [FitResult], poi: Int) -> JSONValue {
        let mus = fits.map { $0.values[poi] }
        return .object([("members", .integer(fits.count)), ("mu_hat", .numbers(mus)),
                        ("mu_uncertainty", .numbers(fits.map { $0.uncertainties[poi] })),
                        ("converged", .array(fits.map { .bool($0.converged) })),
                        ("mu_hat_mean", .number(SampleSummary.mean(mus))), ("mu_hat_std", .number(SampleSummary.standardDeviation(mus)))])
    }

    /// The fit of `data` with model `m` (binned or unbinned); `ensemble` = the same fit with each ensemble member's
    /// ratio (reported under `ensemble`).
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data, ensemble: [FitResult] = []) throws {
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
            if !ensemble.isEmpty {
                json.append(("ensemble", FitCommand.ensembleJSON(ensemble, poi: poi)))
                let mus = ensemble.map { $0.values[poi] }
                extra.append("  ensemble of \(ensemble.count) networks, member by member: \(fit.names[poi]) = "
                             + "\(fmt(SampleSummary.mean(mus))) +- \(fmt(SampleSummary.standardDeviation(mus))) (member spread)")
                if let bad = ensemble.firstIndex(where: { !$0.converged }) {
                    CLIExit.writeLine("neyman: warning: the fit with ensemble member \(bad + 1) did not converge (\(ensemble[bad].status))")
                }
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
