import NeymanCore

/// The contraction program behind ``EnergyFlowPolynomials``: every graph of a set is turned, once, into a sequence of
/// variable eliminations over dense factors (Komiske, Metodiev, Thaler arXiv:1712.07124 §2.3: an EFP is a tensor
/// network of the vector `z` on every node and the matrix `theta^beta` on every edge), and identical eliminations in
/// different graphs become one step, computed once per event and shared.
///
/// A factor is a dense tensor over 0 to 3 particle indices (`M^arity` numbers for an event of `M` particles). The
/// elimination order is greedy: the node whose elimination leaves the smallest factor (ties to the lowest label); a
/// graph whose elimination would need a factor over 4 or more indices is refused (none with d <= 5 does).
struct EFPContractionPlan: Sendable {
    /// What a step computes.
    enum Operation: Sendable, Equatable {
        /// `z_i = pt_i^kappa / (sum pt)^kappa`.
        case energies
        /// `theta_ij^m` elementwise, `theta_ij = (d_eta^2 + d_phi^2)^(beta/2)`, zero on the diagonal.
        case anglePower(Int)
        /// Multiply the inputs (each a factor with its variables mapped to roles) and sum over the eliminated index.
        case eliminate(inputs: [Input], resultArity: Int)
    }

    /// An input of an elimination: a step's result, and for each of its indices, `-1` for the eliminated index or
    /// the position `k` in the result.
    struct Input: Sendable, Equatable {
        let step: Int
        let roles: [Int]
    }

    struct Step: Sendable {
        let operation: Operation
        let arity: Int
    }

    private(set) var steps: [Step] = []
    /// The step whose scalar result is each graph's EFP.
    private(set) var outputs: [Int] = []
    private var index: [String: Int] = [:]

    init(graphs: [Multigraph]) throws {
        for g in graphs { outputs.append(try plan(g)) }
    }

    private mutating func step(_ key: String, _ operation: Operation, arity: Int) -> Int {
        if let s = index[key] { return s }
        steps.append(Step(operation: operation, arity: arity))
        index[key] = steps.count - 1
        return steps.count - 1
    }

    /// Plans one graph and returns the step of its value.
    private mutating func plan(_ g: Multigraph) throws -> Int {
        let z = step("z", .energies, arity: 1)
        var factors: [(step: Int, vars: [Int])] = (0..<g.nodeCount).map { (z, [$0]) }
        var multiplicity: [Multigraph.Edge: Int] = [:]
        for e in g.edges { multiplicity[e, default: 0] += 1 }
        for (e, m) in multiplicity.sorted(by: { $0.key < $1.key }) {
            factors.append((step("theta^\(m)", .anglePower(m), arity: 2), [e.a, e.b]))
        }
        var remaining = Set(0..<g.nodeCount)
        var last = z
        while !remaining.isEmpty {
            func scope(_ v: Int) -> [Int] {
                Set(factors.filter { $0.vars.contains(v) }.flatMap(\.vars)).subtracting([v]).sorted()
            }
            let v = remaining.min { (scope($0).count, $0) < (scope($1).count, $1) } ?? 0
            let s = scope(v)
            guard s.count <= 3 else {
                throw NeymanError.invalid("graph \(g) needs a factor over \(s.count) particle indices; at most 3 are supported",
                                          parameter: "graph")
            }
            let involved = factors.filter { $0.vars.contains(v) }
            let inputs = involved.map { f in Input(step: f.step, roles: f.vars.map { $0 == v ? -1 : (s.firstIndex(of: $0) ?? -1) }) }
            let key = "E\(s.count)(" + inputs.map { "\($0.step):\($0.roles)" }.sorted().joined(separator: ";") + ")"
            last = step(key, .eliminate(inputs: inputs, resultArity: s.count), arity: s.count)
            factors = factors.filter { !$0.vars.contains(v) } + [(last, s)]
            remaining.remove(v)
        }
        return last
    }
}
