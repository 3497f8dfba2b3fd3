import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanStats

/// A space of energy-flow polynomials to search (muon paper §4.2-§4.3): every connected multigraph with at most
/// `maxNodes` nodes and `maxEdges` edges, at every `kappa` and `beta` listed. The one-node graph (the dot,
/// `sum_i z_i^kappa`) is a candidate only for `kappa != 1`, where it is not the constant 1.
struct EFPSpace: Sendable {
    let name: String
    let kappas: [Double]
    let betas: [Double]
    let maxNodes: Int
    let maxEdges: Int

    init(table t: ConfigTable, name: String) throws {
        self.name = name
        kappas = try t.require("kappa") { try t.doubles($0) }
        betas = try t.require("beta") { try t.doubles($0) }
        guard !kappas.isEmpty, kappas.allSatisfy({ $0.isFinite && abs($0) <= 4 }) else { throw t.invalid("kappa", "must be a non-empty list of numbers in [-4, 4]") }
        guard !betas.isEmpty, betas.allSatisfy({ $0 > 0 && $0 <= 8 }) else { throw t.invalid("beta", "must be a non-empty list of numbers in (0, 8]") }
        maxNodes = try t.int("max_nodes") ?? 3
        maxEdges = try t.int("max_edges") ?? 3
        guard (1...8).contains(maxNodes) else { throw t.invalid("max_nodes", "must be in 1...8 (got \(maxNodes))") }
        guard (0...6).contains(maxEdges) else { throw t.invalid("max_edges", "must be in 0...6 (got \(maxEdges))") }
    }

    /// The graphs of the space (the dot included; it is dropped per `kappa` by ``candidates``).
    func graphs() throws -> [Multigraph] {
        try Multigraph.connected(maxEdges: maxEdges).filter { $0.nodeCount <= maxNodes }
    }
}

/// `[search]`: the EFP spaces searched in turn (`[search.irc_safe]`, then `[search.wide]` if present), at most
/// `max_steps` EFPs added per space, and the pair budget of the disordered-pair ADO (``DisorderedPairs``).
struct GuidedSearchSettings: Sendable {
    let spaces: [EFPSpace]
    let maxSteps: Int
    let pairBudget: Int

    init(config root: ConfigTable, scale: StudyScale) throws {
        let t = try root.require("search") { try root.table($0) }
        maxSteps = try t.scaledInt("max_steps", scale) ?? 5
        guard (1...20).contains(maxSteps) else { throw t.invalid("max_steps", "must be in 1...20 (got \(maxSteps))") }
        pairBudget = try t.int("pair_budget") ?? 20_000_000
        guard pairBudget >= 1000 else { throw t.invalid("pair_budget", "must be at least 1000 (got \(pairBudget))") }
        var spaces = [try EFPSpace(table: try t.require("irc_safe") { try t.table($0) }, name: "IRC safe")]
        if let w = try t.table("wide") { spaces.append(try EFPSpace(table: w, name: "wide")) }
        self.spaces = spaces
    }
}

/// One step of the guided search: the EFP chosen and the network retrained with it.
struct SearchStep: Sendable {
    let space: String
    /// The EFP: its graph and exponents.
    let efp: (graph: Multigraph, kappa: Double, beta: Double)
    /// The candidate's ADO against the guide on the pairs the previous network and the guide order differently
    /// (oriented: `max(ADO, 1 - ADO)`; the network does not care about the sign of an input).
    let disorderedADO: Double
    /// The number of disordered pairs over all folds.
    let disorderedPairs: Int
    let network: MuonIsolationStudy.Trained
    /// Whether the step raised the AUC or the ADO and was kept (the first step that raises neither ends the space).
    let kept: Bool
}

extension MuonIsolationStudy {
    /// The black-box guided search (docs/formulas.md §7; Faucett, Thaler, Whiteson arXiv:2010.11998; muon paper
    /// §4.1): with `h` the current high-level network's held-out scores and `g` the guide's (the PFN),
    ///
    /// 1. in each held-out fold collect the (prompt, non-prompt) pairs that `h` and `g` order oppositely;
    /// 2. score every candidate EFP `e` by `ADO[e, g]` on those pairs (averaged over the folds; oriented, so `-e` counts
    ///    as well as `e`) and take the best;
    /// 3. add `log10 e` as an input and retrain the network (k-fold); its AUC and its ADO against the guide on all pairs
    ///    are the step's numbers;
    /// 4. repeat while the step raises the AUC or the ADO (else the step is reported, not kept, and the next space
    ///    starts), at most `max_steps` times per space.
    ///
    /// The second space continues from the first space's result (it contains it), so the final network is the
    /// cones + `sum pT` + every kept EFP.
    func guidedSearch(features: MuonFeatures, kfold: KFoldTraining, startCones: [Int], start: Trained, guide: [Double],
                      seed: UInt64, context: StudyContext,
                      retrain: (String, LabelledEvents, UInt64) throws -> Trained) throws -> (steps: [SearchStep], final: Trained) {
        var current = start
        var chosenColumns: [[Double]] = []
        var chosenKeys: Set<String> = []
        var steps: [SearchStep] = []
        let foldLabels = kfold.folds.map { f in f.map { features.labels[$0] == 1 } }
        let foldWeights = kfold.folds.map { f in f.map { features.weights[$0] } }
        let guideByFold = kfold.folds.map { f in f.map { guide[$0] } }
        for space in search.spaces {
            // The candidates of the space, their values once, split by fold.
            let graphs = try space.graphs()
            var candidates: [(key: String, graph: Multigraph, kappa: Double, beta: Double, values: [Double])] = []
            for kappa in space.kappas {
                let usable = graphs.filter { !$0.edges.isEmpty || kappa != 1 }
                let withEdges = usable.filter { !$0.edges.isEmpty }
                for beta in space.betas {
                    // Graphs without edges do not depend on beta: only the first beta takes the dot.
                    let list = beta == space.betas[0] ? usable : withEdges
                    guard !list.isEmpty else { continue }
                    let values = try features.logEFPs(list, kappa: kappa, beta: beta, threads: context.threads)
                    for (g, graph) in list.enumerated() {
                        let key = "\(graph)|\(kappa)|\(graph.edges.isEmpty ? 0 : beta)"
                        if !chosenKeys.contains(key) { candidates.append((key, graph, kappa, beta, values[g])) }
                    }
                }
            }
            let byFold = candidates.map { c in kfold.folds.map { f in f.map { c.values[$0] } } }
            context.log("guided search, \(space.name) space: \(candidates.count) EFPs (kappa \(space.kappas), beta \(space.betas), "
                        + "up to \(space.maxNodes) nodes and \(space.maxEdges) edges)")
            for step in 1...search.maxSteps {
                let pairs = try kfold.folds.indices.map { f in
                    try DisorderedPairs(isSignal: foldLabels[f], weights: foldWeights[f], h1: kfold.folds[f].map { current.result.scores[$0] },
                                        h2: guideByFold[f], pairBudget: search.pairBudget,
                                        seed: RandomStream.mixSeed(seed, UInt64(steps.count * 100 + f)))
                }
                let pairCount = pairs.reduce(0) { $0 + $1.count }
                let open = candidates.indices.filter { !chosenKeys.contains(candidates[$0].key) }
                guard pairCount > 0, !open.isEmpty else { break }
                let scores = try deterministicParallelMap(count: open.count, threads: context.threads) { i -> Double in
                    let c = open[i]
                    var sum = 0.0, used = 0
                    for f in pairs.indices where pairs[f].count > 0 {
                        let a = try pairs[f].ado(f: byFold[c][f], g: guideByFold[f])
                        sum += a; used += 1
                    }
                    let a = sum / Double(max(used, 1))
                    return max(a, 1 - a)
                }
                var best = 0
                for i in open.indices where scores[i] > scores[best] { best = i }
                let c = candidates[open[best]]
                let columns = chosenColumns + [c.values]
                let label = "10 iso cones, Σ pT, \(columns.count) EFP\(columns.count > 1 ? "s" : "")"
                let trained = try retrain(label, try features.highLevel(cones: startCones, sumPt: true, extra: columns),
                                          UInt64(steps.count + 1))
                let kept = trained.result.auc > current.result.auc || trained.ado > current.ado
                steps.append(SearchStep(space: space.name, efp: (c.graph, c.kappa, c.beta), disorderedADO: scores[best],
                                        disorderedPairs: pairCount, network: trained, kept: kept))
                context.log("search step \(steps.count) (\(space.name) \(step)): EFP \(c.graph) kappa \(fmt(c.kappa)) beta \(fmt(c.beta)), "
                            + "ADO on disordered pairs \(fmt(scores[best], 3)) -> AUC \(fmt(trained.result.auc, 4)), "
                            + "ADO[PFN] \(fmt(trained.ado, 4))\(kept ? "" : " (no gain: not kept)")")
                guard kept else { break }
                current = trained
                chosenColumns = columns
                chosenKeys.insert(c.key)
            }
        }
        return (steps, current)
    }
}
