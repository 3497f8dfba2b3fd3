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
        With --calculator toys --shard K/N --out DIR only toys K of N run (0-based; contiguous blocks of toy indices,
        each toy with the seed of the unsharded run) and their raw numbers go to DIR/shard-K-of-N.json; neyman merge
        joins the N shards and prints exactly what the unsharded command prints.
        """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var test: TestOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var sharding: ShardOptions

    @Option(parsing: .unconditional, help: "The signal strength tested.", transform: strictDouble("mu"))
    var mu: Double = 1

    func run() throws {
        guard mu.isFinite, mu >= 0 else { throw NeymanError.invalid("must be finite and >= 0, got \(mu)", parameter: "mu") }
        let shard = try sharding.selection(calculator: test.calculator)
        if let analysis = try model.unbinned() {
            return try execute(analysis.model, analysis.data, shard: shard, identity: model.identity(analysis))
        }
        let (m, data) = try model.build()
        try execute(m, data, shard: shard, identity: model.identity())
    }

    /// The CLs test of `mu` with model `m` (binned or unbinned), or one shard of its toys.
    func execute<M: StatisticalModel>(_ m: M, _ data: M.Data, shard: ShardSelection?, identity: VerbIdentity) throws {
        guard mu <= m.parameters[m.poiIndex].upper else {
            throw NeymanError.invalid("mu = \(mu) lies above the upper bound of mu (\(m.parameters[m.poiIndex].upper)); widen --mu-bounds", parameter: "mu")
        }
        if let shard { return try runShard(m, data, shard: shard, identity: identity) }
        try output.withStatus {
            try report(runHypothesisTest(model: m, data: data, options: test, quiet: output.quiet)(mu))
        }
    }

    /// Prints the result and throws for a failure: the unsharded run's output, and `neyman merge`'s.
    func report(_ r: HypothesisTestResult) throws {
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

    /// Toys `shard.range(of: toys)`: the observed statistic (every shard computes it) and each toy's statistic under
    /// both hypotheses and its converged fits, written as a ``ShardFile``.
    func runShard<M: StatisticalModel>(_ m: M, _ data: M.Data, shard: ShardSelection, identity: VerbIdentity) throws {
        try test.calc.validate()
        let toys = test.calc.toys
        guard toys >= shard.count else {
            throw NeymanError.invalid("\(shard.count) shards for \(toys) toys: use at most \(toys) shards", parameter: "shard")
        }
        var id = identity
        id.add("mu", "\(mu)")
        id.add("test-stat", test.testStat.rawValue)
        test.calc.addIdentity(to: &id)
        let calc = try ToyCalculator(model: m, data: data, statistic: try test.statistic(), toys: toys, seed: test.seed,
                                     threads: test.calc.threads, quiet: output.quiet)
        try output.withStatus {
            let observed = try calc.observedStatistic(mu: mu)
            let dist = try calc.distributions(mu: mu, indices: shard.range(of: toys))
            let payload = ShardPayload(common: [("q_obs", [observed.value]), ("q_obs_converged", [observed.converged ? 1 : 0])],
                                       columns: [("q_sb", dist.signalPlusBackground), ("q_b", dist.backgroundOnly),
                                                 ("converged_fits", dist.convergedFits.map(Double.init))])
            let file = ShardFile(command: id.command(verb: "cls"), hash: try id.hash(verb: "cls"), seed: test.seed, shard: shard,
                                 toys: toys, payload: payload)
            try sharding.write(file, inputs: model.inputFiles, output: output)
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

extension ClsCommand: ShardableVerb {
    /// The CLs result of the joined shards (``ToyCalculator/result(mu:statistic:observedStatistic:observedConverged:distributions:)``
    /// on all toys), printed by ``report(_:)``.
    static func merge(_ merged: ShardMerge.Merged, output: OutputOptions) throws {
        let command = try reparse(merged, output: output)
        let p = merged.payload
        let fits = try p.column("converged_fits")
        guard fits.allSatisfy({ $0 == 0 || $0 == 1 || $0 == 2 }) else {
            throw NeymanError.invalid("converged_fits holds a value other than 0, 1 or 2", file: merged.paths.first, key: "columns.converged_fits")
        }
        let dist = ToyDistributions(signalPlusBackground: try p.column("q_sb"), backgroundOnly: try p.column("q_b"),
                                    convergedFits: fits.map { Int($0) })
        let r = ToyCalculator<BinnedModel>.result(mu: command.mu, statistic: try command.test.statistic(),
                                                  observedStatistic: try p.commonNumber("q_obs"),
                                                  observedConverged: try p.commonNumber("q_obs_converged") == 1, distributions: dist)
        try command.output.withStatus { try command.report(r) }
    }
}

