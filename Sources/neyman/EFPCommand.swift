import ArgumentParser
import Foundation
import NeymanCore
import NeymanHEP

/// `neyman efp`: energy-flow polynomials of the events in a file.
struct EFPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "efp",
        abstract: "Energy-flow polynomials (EFPs) of each event: one graph, or every connected graph up to d edges.",
        discussion: """
        EFP_G = sum_{i1..iN} z_i1...z_iN prod_{(k,l) in G} theta_ikil, z_i = pt_i^kappa / (sum pt)^kappa,
        theta_ij = (d_eta^2 + d_phi^2)^(beta/2) (docs/formulas.md §8): energyflow's EFP(..., measure='hadr', normed=True).
        Input: CSV with columns event, pt, eta, phi (rows of one event share its event value), or NPZ with member X
        [events, particles, 3 or 4] (EnergyFlow layout, zero-padded). --graph "0-1,1-2,2-0" (a repeated pair is a
        multi-edge; "dot" is the one-node graph) or --set "d<=5" (every connected multigraph with at most 5 edges,
        the dot first, ordered by edges, nodes, edge list).
        JSON keys: values (one per event; with --set one array per graph), graph (or graphs), kappa, beta, n_events, status.
        --out FILE.csv writes event, then one column per graph (named by its edges).
        Example: neyman efp --input particles.csv --graph 0-1,1-2,2-0 --beta 1 --format json
        """
    )

    @Option(help: "Particles: CSV (event, pt, eta, phi) or NPZ (member X, EnergyFlow layout).")
    var input: String

    @Option(help: "One graph: edges I-J separated by commas (e.g. 0-1,1-2,2-0), or dot.")
    var graph: String?

    @Option(help: "Every connected graph with at most K edges: d<=K (K from 0 to 8).")
    var set: String?

    @Option(parsing: .unconditional, help: "Energy exponent kappa (1: IRC safe).", transform: strictDouble("kappa"))
    var kappa: Double = 1

    @Option(parsing: .unconditional, help: "Angular exponent beta > 0.", transform: strictDouble("beta"))
    var beta: Double = 1

    @Option(help: "The NPZ member holding the particles.")
    var member: String = "X"

    @Option(help: "Also write the values as CSV (event, one column per graph), atomically.")
    var out: String?

    @OptionGroup var parallelism: ParallelismOptions

    @OptionGroup var output: OutputOptions

    func graphs() throws -> [Multigraph] {
        switch (graph, set) {
        case (let g?, nil):
            do { return [try Multigraph.parse(g)] } catch let e as NeymanError { throw NeymanError.invalid(e.message, parameter: "graph") }
        case (nil, let s?):
            let text = s.replacingOccurrences(of: " ", with: "")
            guard text.hasPrefix("d<="), let k = Int(text.dropFirst(3)) else {
                throw NeymanError.invalid("'\(s)' is not d<=K (e.g. d<=5)", parameter: "set")
            }
            return try Multigraph.connected(maxEdges: k)
        default:
            throw NeymanError.invalid("give exactly one of --graph and --set", parameter: graph == nil ? "graph" : "set")
        }
    }

    func run() throws {
        let graphs = try graphs()
        let efp = try EnergyFlowPolynomials(graphs: graphs, kappa: kappa, beta: beta)
        if let out { try OutputPath.check(out, option: "out", inputs: [(input, "input")]) }
        let events = try ParticleEventFile.read(path: input, member: member)
        try MemoryBudget.check(count: events.count, bytesPerElement: 8 * graphs.count + 64, what: "events", file: input)
        let progress = ProgressDisplay("EFP events", total: events.count, quiet: output.quiet)
        let values: [[Double]]
        do {
            values = try efp.values(events: events, threads: parallelism.threads, progress: progress)
        } catch let e as NeymanError { throw NeymanError.invalid(e.message, file: input) }
        progress.finish()
        if let out {
            try CSVWriter.write([("event", (0..<events.count).map(Double.init))] + zip(graphs, values).map { ("efp_" + $0.0.description, $0.1) },
                                to: out)
        }
        var members: [(String, JSONValue)]
        if set != nil {
            members = [("graphs", .array(graphs.map { .string($0.description) })), ("values", .array(values.map { .numbers($0) }))]
        } else {
            members = [("graph", .string(graphs[0].description)), ("values", .numbers(values[0]))]
        }
        members += [("kappa", .number(kappa)), ("beta", .number(beta)), ("n_events", .integer(events.count)), ("status", .string("ok"))]
        output.emit(.object(members)) {
            var lines = ["\(graphs.count) EFP\(graphs.count == 1 ? "" : "s") (kappa \(fmt(kappa)), beta \(fmt(beta))) on \(events.count) events"]
            for (g, v) in zip(graphs, values).prefix(12) {
                lines.append("  \(g): " + v.prefix(6).map(fmt).joined(separator: " ") + (v.count > 6 ? " ..." : ""))
            }
            if graphs.count > 12 { lines.append("  ... (\(graphs.count - 12) more graphs; --format json or --out for all)") }
            if let out { lines.append("  wrote \(out)") }
            return lines.joined(separator: "\n")
        }
    }
}
