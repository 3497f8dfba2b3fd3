import ArgumentParser
import Foundation
import NeymanCore
import NeymanStats

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
        if let analysis = try model.unbinned() { return try execute(analysis.model, analysis.data) }
        let (m, data) = try model.build()
        try execute(m, data)
    }

    /// The significance with model `m` (binned or unbinned).
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data) throws {
        try calc.validate()
        try output.withStatus {
            let r = calc.calculator == .toys
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
