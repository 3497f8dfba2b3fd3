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
        With --calculator toys --shard K/N --out DIR only toys K of N run (0-based, the unsharded run's seeds) and
        their raw numbers go to DIR/shard-K-of-N.json; neyman merge prints what the unsharded command prints.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var calc: CalculatorOptions
    @OptionGroup var sharding: ShardOptions

    func run() throws {
        let shard = try sharding.selection(calculator: calc.calculator)
        if let analysis = try model.unbinned() {
            return try execute(analysis.model, analysis.data, shard: shard, identity: model.identity(analysis))
        }
        let (m, data) = try model.build()
        try execute(m, data, shard: shard, identity: model.identity())
    }

    /// The significance with model `m` (binned or unbinned), or one shard of its toys.
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data, shard: ShardSelection?, identity: VerbIdentity) throws {
        try calc.validate()
        if let shard { return try runShard(m, data, shard: shard, identity: identity) }
        try output.withStatus {
            try report(calc.calculator == .toys
                ? try Significance.toys(model: m, data: data, toys: calc.toys, seed: calc.seed, threads: calc.threads, quiet: output.quiet)
                : try Significance.asymptotic(model: m, data: data))
        }
    }

    /// Toys `shard.range(of: toys)`: the observed q0 (every shard computes it) and each background-only toy's q0 and
    /// whether its fits converged, written as a ``ShardFile``.
    func runShard<M: StatisticalModel>(_ m: M, _ data: M.Data, shard: ShardSelection, identity: VerbIdentity) throws {
        guard calc.toys >= shard.count else {
            throw NeymanError.invalid("\(shard.count) shards for \(calc.toys) toys: use at most \(calc.toys) shards", parameter: "shard")
        }
        var id = identity
        calc.addIdentity(to: &id)
        try output.withStatus {
            let t = try Significance.toyStatistics(model: m, data: data, indices: shard.range(of: calc.toys), seed: calc.seed,
                                                   threads: calc.threads, quiet: output.quiet)
            let payload = ShardPayload(common: [("q0_obs", [t.observed.value]), ("q0_obs_converged", [t.observed.converged ? 1 : 0])],
                                       columns: [("q0", t.q0), ("converged", t.converged.map { $0 ? 1 : 0 })])
            let file = ShardFile(command: id.command(verb: "significance"), hash: try id.hash(verb: "significance"), seed: calc.seed,
                                 shard: shard, toys: calc.toys, payload: payload)
            try sharding.write(file, inputs: model.inputFiles, output: output)
        }
    }

    /// Prints the result and throws for a failure: the unsharded run's output, and `neyman merge`'s.
    func report(_ r: SignificanceResult) throws {
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

extension SignificanceCommand: ShardableVerb {
    /// The toy-based significance of the joined shards (``Significance/toyResult(observedStatistic:observedConverged:statistics:converged:)``),
    /// printed by ``report(_:)``.
    static func merge(_ merged: ShardMerge.Merged, output: OutputOptions) throws {
        let command = try reparse(merged, output: output)
        let p = merged.payload
        let r = Significance.toyResult(observedStatistic: try p.commonNumber("q0_obs"),
                                       observedConverged: try p.commonNumber("q0_obs_converged") == 1,
                                       statistics: try p.column("q0"), converged: try p.column("converged").map { $0 == 1 })
        try command.output.withStatus { try command.report(r) }
    }
}
