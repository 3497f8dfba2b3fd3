import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanReport
import NeymanStats

/// The muon paper's supervised study (Collado, Bauer, Whiteson et al., *Learning to isolate muons*, arXiv:2102.02278,
/// table 1 and figs. 2-5): how much of the information in the calorimeter around a muon do isolation cones capture,
/// and which interpretable observables (energy-flow polynomials) close the gap to networks on the cells?
///
/// On one labelled sample (built-in generator or Pythia 8, `[samples]`; flattening weights in every training and AUC):
/// 1. dense isolation networks on `n = 1 ... max_cones` cones, the set for each `n` chosen greedily (add the cone that
///    most raises the AUC of a quickly trained network on one train/test split), with and without `sum pT`;
/// 2. PFN, EFN on the image's non-empty cells, and a CNN on the 32 x 32 image;
/// 3. the guided search (docs/formulas.md §7; paper §4.1-§4.3, ``MuonIsolationStudy/guidedSearch``): starting from 10
///    cones + `sum pT`, add EFPs one at a time, each the candidate with the highest ADO against the PFN on the pairs
///    the current network and the PFN order differently, first from an IRC-safe space and then from a wider one.
///
/// Every network is trained `folds` times (stratified k-fold, a different initialisation per fold); its AUC is the
/// mean over the held-out folds and its error the standard error of that mean (``KFoldResult``); its ADO against the
/// PFN is computed within each held-out fold and averaged. All trainings run as seeded tasks of
/// ``deterministicParallelMap(count:threads:progress:_:)``, so `results.json` does not depend on the thread count.
public struct MuonIsolationStudy: Study {
    public static let kind = "muon-isolation"

    let source: MuonSampleSource
    var folds: Int { source.folds }
    var maxCells: Int { source.maxCells }
    /// `[cones] max` and `selection_epochs`.
    let cones: (max: Int, selectionEpochs: Int)
    /// `[networks.isolation]`, the dense network on cones (and EFPs).
    let isolation: NetworkRecipe
    /// `[networks.pfn]`, `[networks.efn]`, `[networks.cnn]`: the networks on the cells.
    let cells: (pfn: NetworkRecipe, efn: NetworkRecipe, cnn: NetworkRecipe)
    /// `[networks.pfn] inputs`: what the PFN sees.
    let pfnInputs: PFNInputs
    /// The PFN's inputs: the image's non-empty cells (the paper's choice: `(z, d_eta, d_phi)`), or the deposits with
    /// their particle category (``MuonFeatures/particlesWithCategories()``), what particle flow would hand it.
    enum PFNInputs: String, Sendable { case cells, particles }
    let search: GuidedSearchSettings

    public init(config root: ConfigTable, scale: StudyScale) throws {
        source = try MuonSampleSource(samples: try root.require("samples") { try root.table($0) }, root: root, scale: scale, kind: .isolation)
        let c = try root.table("cones")
        let maxCones = try c?.int("max") ?? 18
        guard (10...18).contains(maxCones) else {
            throw NeymanError.invalid("must be in 10...18 (the report needs 1, 2, 10 and the largest set; got \(maxCones))",
                                      file: root.file, key: "cones.max")
        }
        let selectionEpochs = try c?.int("selection_epochs") ?? 5
        guard selectionEpochs >= 1 else { throw NeymanError.invalid("must be >= 1", file: root.file, key: "cones.selection_epochs") }
        let networks = try root.require("networks") { try root.table($0) }
        func recipe(_ name: String, _ kind: String) throws -> NetworkRecipe {
            try NetworkRecipe(table: try networks.require(name) { try networks.table($0) }, expected: kind)
        }
        cones = (maxCones, selectionEpochs)
        isolation = try recipe("isolation", "dense")
        let pfnTable = try networks.require("pfn") { try networks.table($0) }
        cells = (try NetworkRecipe(table: pfnTable, expected: "pfn"), try recipe("efn", "efn"), try recipe("cnn", "cnn"))
        let inputs = try pfnTable.scaledString("inputs", scale) ?? "cells"
        guard let chosen = PFNInputs(rawValue: inputs) else {
            throw pfnTable.invalid("inputs", "must be \"cells\" or \"particles\" (got \"\(inputs)\")")
        }
        pfnInputs = chosen
        search = try GuidedSearchSettings(config: root, scale: scale)
    }

    /// A network's k-fold outcome with what the report shows beside it.
    struct Trained: Sendable {
        let name: String
        let label: String
        let inputs: Int
        let parameters: Int
        let result: KFoldResult
        var ado: Double = .nan
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let sample = try source.sample(seed: seed, context: context)
        let features = try MuonFeatures(sample: sample, maxCells: maxCells, withDeposits: pfnInputs == .particles,
                                        threads: context.threads)
        let kfold = try KFoldTraining(labels: features.labels, weights: features.weights, k: folds, seed: RandomStream.mixSeed(seed, 1))
        context.log("\(features.count) muons (\(features.labels.filter { $0 == 1 }.count) prompt), \(folds)-fold trainings")

        func train(_ name: String, _ label: String, _ recipe: NetworkRecipe, _ data: LabelledEvents, task: UInt64) throws -> Trained {
            let started = Date()
            let progress = ProgressDisplay("\(name) folds", total: kfold.k, quiet: context.quiet)
            let r = try kfold.train(recipe, data: data, seed: RandomStream.mixSeed(seed, 1000 + task), threads: context.threads, progress: progress)
            progress.finish()
            context.log("\(label): AUC \(fmt(r.auc, 4)) ± \(fmt(r.aucError, 4)), epochs \(r.epochs) (\(fmt(Date().timeIntervalSince(started), 1)) s)")
            return Trained(name: name, label: label, inputs: data.featureCount,
                           parameters: try recipe.parameterCount(features: data.featureCount), result: r)
        }

        // Cell networks: the guide of the search and the reference lines of the cone curve.
        let particles = try features.particles()
        var pfnNet: Trained
        switch pfnInputs {
        case .cells:
            pfnNet = try train("pfn", "Particle-Flow Network (cells)", cells.pfn, particles, task: 1)
        case .particles:
            guard features.deposits.contains(where: { $0.contains { $0.category != .unknown } }) else {
                throw NeymanError.invalid("[networks.pfn] inputs = \"particles\" needs deposits with categories; this sample has none "
                                          + "(a file with its own images and no categorised deposits): use inputs = \"cells\"")
            }
            var recipe = cells.pfn
            recipe.particleFeatures = MuonFeatures.particleWidth
            pfnNet = try train("pfn", "PFN (particles with category)", recipe,
                               try features.particlesWithCategories(), task: 1)
        }
        var efnNet = try train("efn", "Energy-Flow Network (cells)", cells.efn, particles, task: 2)
        var cnnNet = try train("cnn", "CNN (32 x 32 image)", cells.cnn, try features.imageInputs(), task: 3)

        // Cones: greedy sets, then k-fold networks on each, without and with sum pT.
        let sets = try selectCones(features, kfold: kfold, seed: RandomStream.mixSeed(seed, 2), context: context)
        var curve: [(n: Int, plain: Trained, withSum: Trained)] = []
        for (i, set) in sets.enumerated() {
            let n = i + 1
            let plain = try train(n == 1 ? "single_cone" : "cones_\(n)", n == 1 ? "Single iso cone" : "\(n) iso cones", isolation,
                                  try features.highLevel(cones: set, sumPt: false), task: UInt64(100 + n))
            let withSum = try train("cones_\(n)_sumpt", "\(n) iso cones, Σ pT", isolation,
                                    try features.highLevel(cones: set, sumPt: true), task: UInt64(200 + n))
            curve.append((n, plain, withSum))
        }
        let guide = pfnNet.result.scores
        func withADO(_ t: Trained) throws -> Trained { var t = t; t.ado = try kfold.ado(t.result.scores, guide); return t }
        pfnNet = try withADO(pfnNet); efnNet = try withADO(efnNet); cnnNet = try withADO(cnnNet)
        curve = try curve.map { ($0.n, try withADO($0.plain), try withADO($0.withSum)) }

        // The guided search from 10 cones + sum pT.
        let start = curve[9].withSum
        let steps = try guidedSearch(features: features, kfold: kfold, startCones: sets[9], start: start, guide: guide,
                                     seed: RandomStream.mixSeed(seed, 3), context: context) { label, data, task in
            try withADO(try train("cones_sumpt_efps", label, isolation, data, task: 300 + task))
        }
        return try report(features: features, sets: sets, curve: curve, cells: [cnnNet, efnNet, pfnNet], search: steps)
    }

    /// The greedy cone sets: `sets[n-1]` holds `n` cone indices (into ``IsolationCones/defaultRadii``), each set the
    /// previous one plus the cone that gives the highest AUC. A candidate is scored by a network of the isolation
    /// recipe trained for `selection_epochs` epochs on every fold but the first and tested on the first (one quick
    /// training per candidate; the k-fold trainings of the chosen sets come after).
    func selectCones(_ features: MuonFeatures, kfold: KFoldTraining, seed: UInt64, context: StudyContext) throws -> [[Int]] {
        var chosen: [Int] = []
        var sets: [[Int]] = []
        let test = kfold.folds[0]
        let train = kfold.folds.dropFirst().flatMap { $0 }
        var quick = isolation
        quick.training.epochs = cones.selectionEpochs
        quick.training.quiet = true
        let recipe = quick
        context.log("greedy cone selection: \(cones.max) steps, \(cones.max * (37 - cones.max) / 2) quick trainings")
        for n in 1...cones.max {
            let candidates = features.radii.indices.filter { !chosen.contains($0) }
            let previous = chosen
            let aucs = try deterministicParallelMap(count: candidates.count, threads: context.threads) { c -> Double in
                let data = try features.highLevel(cones: previous + [candidates[c]], sumPt: false)
                var options = recipe.training
                options.seed = RandomStream.mixSeed(seed, UInt64(n * 100 + c))
                let net = try recipe.makeNetwork(features: data.featureCount, seed: options.seed)
                _ = try Trainer(network: net, options: options).train(data.subset(train))
                let held = data.subset(test)
                return try ROC.auc(scores: net.predictRaw(held.features, rows: held.count).map(Double.init),
                                   labels: test.map { features.labels[$0] }, weights: test.map { features.weights[$0] })
            }
            // Ties go to the smaller radius (the first candidate), so the choice is reproducible.
            var best = 0
            for c in candidates.indices where aucs[c] > aucs[best] { best = c }
            chosen.append(candidates[best])
            sets.append(chosen.sorted())
        }
        return sets
    }
}
