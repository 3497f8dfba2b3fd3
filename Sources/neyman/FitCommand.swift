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
        converged, status, at_bound (parameters held on an active bound for the covariance: uncertainty 0). A fit that did not converge, or whose Hessian is not positive definite (a parameter the data
        do not determine), is converged: false and exits with status 1.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        if let analysis = try model.unbinned() { return try execute(analysis.model, analysis.data) }
        let (m, data) = try model.build()
        try execute(m, data)
    }

    /// The fit of `data` with model `m` (binned or unbinned).
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data) throws {
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
