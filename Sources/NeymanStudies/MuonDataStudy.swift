import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanReport
import NeymanSPlot
import NeymanStats

/// The muon study done as it must be on collider data, without labels (the CWoLa + sPlot poster,
/// ../shared/refs/papers/learning-to-identify-muons-in-data-cwola-splot-talk.txt; docs/formulas.md §1, §5, §6):
///
/// 1. dimuon events (Drell-Yan Z -> mu mu and the heavy-flavour continuum, opposite and same sign; both muons pT > 25 GeV,
///    |eta| < 2.1, 70 < m < 110 GeV) are split into a prompt-dominated sample M1 (opposite sign inside the Z window)
///    and a non-prompt-dominated sample M2 (same sign at any mass, and opposite sign in the sidebands);
/// 2. networks are trained on sample membership (CWoLa: M1 against M2), with M2 reweighted to M1 in (pT, eta) by a
///    histogram ratio so that no network learns the kinematic difference between the samples;
/// 3. the dimuon mass is fitted (Voigt with the Z width fixed + exponential), in bins of muon pT, and the sWeights
///    give each muon a signal and a background weight (``ptBinnedSWeights(mass:pt:model:)``), and each network's sWeighted AUC on held-out muons is reported next
///    to its true-label AUC (which only the generator knows), and next to a network of the same inputs trained with
///    the true labels (the supervised reference, with non-prompt muons reweighted to prompt ones in (pT, eta) as M2 is
///    to M1).
///
/// Events are split into `folds` folds (seeded); fold `i`'s muons are scored by networks trained on the other folds;
/// every AUC is the mean over folds ± the standard error of that mean. The sWeighted-minus-truth difference is
/// also given per fold, with its own standard error (the paired comparison the check uses).
public struct MuonDataStudy: Study {
    public static let kind = "muon-data"

    let source: MuonSampleSource
    var folds: Int { source.folds }
    var maxCells: Int { source.maxCells }
    let zWindow: ClosedRange<Double>
    let fitRange: FitRange
    let zWidth: Double
    let ptBins: Int
    let reweightBins: (pt: Int, eta: Int)
    let singleCone: Double
    let cones: [Double]
    let efp: (graph: Multigraph, kappa: Double, beta: Double)
    let isolation: NetworkRecipe
    let pfn: NetworkRecipe

    public init(config root: ConfigTable, scale: StudyScale) throws {
        source = try MuonSampleSource(samples: try root.require("samples") { try root.table($0) }, root: root, scale: scale, kind: .dimuon)
        let regions = try root.table("regions")
        let window = try regions?.doubles("z_window") ?? [81, 101]
        guard window.count == 2, window[0] > 70, window[1] < 110, window[0] < window[1] else {
            throw NeymanError.invalid("must be [lo, hi] with 70 < lo < hi < 110 GeV (the selection's range)", file: root.file, key: "regions.z_window")
        }
        zWindow = window[0]...window[1]
        let fit = try root.table("fit")
        let range = try fit?.doubles("range") ?? [70, 110]
        guard range.count == 2 else { throw NeymanError.invalid("must be [lo, hi]", file: root.file, key: "fit.range") }
        do { fitRange = try FitRange(range[0], range[1]) } catch let e as NeymanError {
            throw NeymanError.invalid(e.message, file: root.file, key: "fit.range")
        }
        zWidth = try fit?.double("z_width") ?? 2.4952
        ptBins = try fit?.int("pt_bins") ?? 1
        guard (1...20).contains(ptBins) else { throw NeymanError.invalid("must be in 1...20", file: root.file, key: "fit.pt_bins") }
        guard zWidth > 0, zWidth < 20 else { throw NeymanError.invalid("must be in (0, 20) GeV", file: root.file, key: "fit.z_width") }
        let rw = try root.table("reweighting")
        reweightBins = (try rw?.int("pt_bins") ?? 10, try rw?.int("eta_bins") ?? 4)
        guard (1...200).contains(reweightBins.pt), (1...200).contains(reweightBins.eta) else {
            throw NeymanError.invalid("pt_bins and eta_bins must be in 1...200", file: root.file, key: "reweighting")
        }
        let inputs = try root.table("inputs")
        singleCone = try inputs?.double("single_cone") ?? 0.3
        cones = try inputs?.doubles("cones") ?? [0.025, 0.05, 0.075, 0.125, 0.15, 0.225, 0.275, 0.325, 0.45]
        for (key, radii) in [("single_cone", [singleCone]), ("cones", cones)] {
            guard !radii.isEmpty, radii.allSatisfy({ r in IsolationCones.defaultRadii.contains { abs($0 - r) < 1e-9 } }) else {
                throw NeymanError.invalid("radii must be among 0.025, 0.05, ..., 0.45 (the 18 cones)", file: root.file, key: "inputs.\(key)")
            }
        }
        if let e = try inputs?.table("efp") {
            let text = try e.string("graph") ?? "0-1,1-2,0-2"
            do { efp = (try Multigraph.parse(text), try e.double("kappa") ?? 1, try e.double("beta") ?? 1) } catch let err as NeymanError {
                throw e.invalid("graph", err.message)
            }
        } else {
            efp = (try Multigraph.parse("0-1,1-2,0-2"), 1, 1)
        }
        guard efp.beta > 0, efp.kappa.isFinite, !efp.graph.edges.isEmpty || efp.kappa != 1 else {
            throw NeymanError.invalid("the EFP needs beta > 0 and, for kappa = 1, at least one edge", file: root.file, key: "inputs.efp")
        }
        let networks = try root.require("networks") { try root.table($0) }
        isolation = try NetworkRecipe(table: try networks.require("isolation") { try networks.table($0) }, expected: "dense")
        pfn = try NetworkRecipe(table: try networks.require("pfn") { try networks.table($0) }, expected: "pfn")
    }

    /// The networks of the poster's table: key, label, and how their inputs are made.
    func inputSets(_ f: MuonFeatures, threads: Int?) throws -> [(key: String, label: String, recipe: NetworkRecipe, data: LabelledEvents)] {
        func index(_ r: Double) -> Int { f.radii.firstIndex { abs($0 - r) < 1e-9 } ?? 0 }
        let logEFP = try f.logEFPs([efp.graph], kappa: efp.kappa, beta: efp.beta, threads: threads)
        return [
            ("single_cone_sumpt", "Single iso cone (R = \(fmt(singleCone))), Σ pT", isolation, try f.highLevel(cones: [index(singleCone)], sumPt: true)),
            ("cones_\(cones.count)_sumpt", "\(cones.count) iso cones, Σ pT", isolation, try f.highLevel(cones: cones.map(index), sumPt: true)),
            ("cones_\(cones.count)_sumpt_efp", "\(cones.count) iso cones, Σ pT, EFP \(efp.graph) (κ \(fmt(efp.kappa)), β \(fmt(efp.beta)))",
             isolation, try f.highLevel(cones: cones.map(index), sumPt: true, extra: logEFP)),
            ("pfn", "Particle-Flow Network (cells)", pfn, try f.particles()),
        ]
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let sample = try source.sample(seed: seed, context: context)
        guard let mass = sample.pairMass, let charge = sample.pairCharge, let event = sample.event else {
            throw NeymanError.invalid("the dimuon sample has no pair_mass, pair_charge or event arrays")
        }
        let features = try MuonFeatures(sample: sample, maxCells: maxCells, threads: context.threads)
        let n = features.count
        // Regions: M1 = opposite sign in the Z window; M2 = everything else (same sign, and opposite-sign sidebands).
        let inM1 = (0..<n).map { charge[$0] < 0 && zWindow.contains(mass[$0]) }
        // Folds by event, so the two muons of an event are scored by the same models.
        let events = Array(Set(event)).sorted()
        let perm = RandomStream(seed: seed, task: 7).permutation(events.count)
        var foldOfEvent: [Int: Int] = [:]
        for (k, p) in perm.enumerated() { foldOfEvent[events[p]] = k % folds }
        let foldOf = event.map { foldOfEvent[$0] ?? 0 }
        let foldRows = (0..<folds).map { f in (0..<n).filter { foldOf[$0] == f } }

        // The mass fit and sWeights: one entry per event.
        var firstMuon: [Int: Int] = [:]
        for k in 0..<n where firstMuon[event[k]] == nil { firstMuon[event[k]] = k }
        let eventMuon = events.map { firstMuon[$0] ?? 0 }
        let eventMass = eventMuon.map { mass[$0] }
        let model = SPlotModel(signal: VoigtPDF(), background: ExponentialPDF(range: fitRange), range: fitRange)
        let fit = try SPlotFit.fit(masses: eventMass, model: model, fixed: ["signal.width": zWidth])
        guard fit.converged else { throw NeymanError.invalid("the dimuon mass fit did not converge (\(eventMass.count) events)") }
        // sWeights per muon: its event's (one fit), or from fits in bins of the muon's pT (``ptBinnedSWeights``).
        let pt = sample.muons.map(\.pt), eta = sample.muons.map(\.eta)
        let swSignal: [Double], swBackground: [Double], binFits: [(ptRange: ClosedRange<Double>, fit: SPlotFitResult)]
        if ptBins == 1 {
            let sw = try SWeights.compute(fit: fit, masses: eventMass)
            var eventRow: [Int: Int] = [:]
            for (r, e) in events.enumerated() { eventRow[e] = r }
            swSignal = event.map { sw.signal[eventRow[$0] ?? 0] }
            swBackground = event.map { sw.background[eventRow[$0] ?? 0] }
            binFits = []
        } else {
            (swSignal, swBackground, binFits) = try ptBinnedSWeights(mass: mass, pt: pt, model: model)
        }
        context.log("mass fit: \(fmt(fit.yields.signal, 1)) ± \(fmt(fit.yieldErrors.signal, 1)) Z events, "
                    + "\(fmt(fit.yields.background, 1)) continuum (truth: \(eventMuon.filter { features.labels[$0] == 1 }.count) Z)")

        // Reweighting M2 to M1 in (pT, eta), on all muons (the kinematics are labels-free); the supervised reference
        // gets the same treatment with the true classes (non-prompt to prompt), so the two compare like for like.
        let m1 = (0..<n).filter { inM1[$0] }, m2 = (0..<n).filter { !inM1[$0] }
        let ptHi = (pt.max() ?? 100) * (1 + 1e-9)
        let axes = [try HistogramAxis(bins: reweightBins.pt, lower: 25, upper: max(ptHi, 25.01)),
                    try HistogramAxis(bins: reweightBins.eta, lower: -2.1, upper: 2.1)]
        func matched(_ source: [Int], to target: [Int]) throws -> (weights: [Double], effectiveSize: Double) {
            let rw = try HistogramReweighting.matching([source.map { pt[$0] }, source.map { eta[$0] }],
                                                       target: [target.map { pt[$0] }, target.map { eta[$0] }], axes: axes, columnNames: ["pt", "eta"])
            var w = [Double](repeating: 1, count: n)
            let scale = Double(target.count) / max(rw.weights.reduce(0, +), .leastNormalMagnitude)
            for (r, k) in source.enumerated() { w[k] = rw.weights[r] * scale }
            return (w, rw.effectiveSize)
        }
        let (trainingWeight, effectiveM2) = try matched(m2, to: m1)
        let supervisedWeight = try matched((0..<n).filter { features.labels[$0] == 0 }, to: (0..<n).filter { features.labels[$0] == 1 }).weights

        let sets = try inputSets(features, threads: context.threads)
        // Task (network, fold, cwola/supervised).
        let tasks = sets.count * folds * 2
        context.log("\(n) muons (\(m1.count) in M1, \(m2.count) in M2); training \(tasks) networks (\(sets.count) input sets x \(folds) folds x CWoLa/supervised)")
        let membership = inM1.map { $0 ? 1.0 : 0.0 }
        let progress = ProgressDisplay("network trainings", total: tasks, quiet: context.quiet)
        let scores = try deterministicParallelMap(count: tasks, threads: context.threads, progress: progress) { task -> [Double] in
            let s = task / (2 * folds), f = (task / 2) % folds, supervised = task % 2 == 1
            let set = sets[s]
            let trainRows = (0..<n).filter { foldOf[$0] != f }
            var data = set.data.subset(trainRows)
            data.labels = trainRows.map { Float(supervised ? features.labels[$0] : membership[$0]) }
            data.weights = trainRows.map { Float(supervised ? supervisedWeight[$0] : trainingWeight[$0]) }
            var options = set.recipe.training
            options.seed = RandomStream.mixSeed(seed, UInt64(1000 + task))
            options.quiet = true
            let net = try set.recipe.makeNetwork(features: data.featureCount, seed: options.seed)
            _ = try Trainer(network: net, options: options).train(data)
            let held = set.data.subset(foldRows[f])
            return net.predictRaw(held.features, rows: held.count).map(Double.init)
        }
        progress.finish()
        var rows: [NetworkOutcome] = []
        for (s, set) in sets.enumerated() {
            var cwola = (sw: [Double](), truth: [Double](), diff: [Double]()), supervisedTruth: [Double] = []
            for f in 0..<folds {
                let r = foldRows[f]
                let c = scores[(s * folds + f) * 2], sup = scores[(s * folds + f) * 2 + 1]
                let y = r.map { features.labels[$0] }
                let aSW = try ROC.auc(scores: c, signalWeights: r.map { swSignal[$0] }, backgroundWeights: r.map { swBackground[$0] })
                let aTruth = try ROC.auc(scores: c, labels: y)
                cwola.sw.append(aSW); cwola.truth.append(aTruth); cwola.diff.append(aSW - aTruth)
                supervisedTruth.append(try ROC.auc(scores: sup, labels: y))
            }
            rows.append(NetworkOutcome(key: set.key, label: set.label, sweighted: cwola.sw, truth: cwola.truth, difference: cwola.diff,
                                       supervised: supervisedTruth))
            context.log("\(set.label): sWeighted AUC \(fmt(SampleSummary.mean(cwola.sw), 4)), true-label \(fmt(SampleSummary.mean(cwola.truth), 4)), "
                        + "supervised \(fmt(SampleSummary.mean(supervisedTruth), 4))")
        }
        let truthZ = eventMuon.filter { features.labels[$0] == 1 }.count
        let f1 = Double(m1.filter { features.labels[$0] == 1 }.count) / Double(max(m1.count, 1))
        let f2 = Double(m2.filter { features.labels[$0] == 1 }.count) / Double(max(m2.count, 1))
        return try report(rows: rows, fit: fit, binFits: binFits, eventMass: eventMass, truthZ: truthZ, events: events.count,
                          regions: (m1.count, m2.count, f1, f2), effectiveM2: effectiveM2)
    }

    /// The sWeights of every muon: its pair mass is one entry of a fit in its bin of muon pT (`[fit] pt_bins` bins
    /// with equal numbers of muons; each bin's Voigt mean and resolution, exponential slope and yields float, the
    /// width stays fixed), and the bin's sWeights are the muon's. Binning in the variable through which the
    /// isolation depends on the mass (pileup is a larger fraction of a softer muon's pT, and the mass of the pair
    /// sets its muons' pT) keeps the score nearly independent of the mass within each bin and species, which
    /// sWeights require (Pivk & Le Diberder; Dembinski et al. 2022 §2). Used for `pt_bins > 1` (with 1, every muon takes
    /// its event's sWeights from the one fit of the events' masses).
    /// The two muons of an event are two entries of the same mass: the sWeights stay valid, the fits' yield errors
    /// count the entries as independent.
    func ptBinnedSWeights(mass: [Double], pt: [Double], model: SPlotModel) throws
        -> (signal: [Double], background: [Double], fits: [(ptRange: ClosedRange<Double>, fit: SPlotFitResult)]) {
        let order = pt.indices.sorted { (pt[$0], $0) < (pt[$1], $1) }
        var signal = [Double](repeating: 0, count: pt.count), background = signal
        var fits: [(ClosedRange<Double>, SPlotFitResult)] = []
        for b in 0..<ptBins {
            let rows = Array(order[(b * order.count / ptBins)..<((b + 1) * order.count / ptBins)])
            guard let first = rows.first, let last = rows.last else { continue }
            let masses = rows.map { mass[$0] }
            let fit = try SPlotFit.fit(masses: masses, model: model, fixed: ["signal.width": zWidth])
            guard fit.converged else {
                throw NeymanError.invalid("the mass fit of muon-pT bin \(b + 1) (\(fmt(pt[first], 1))-\(fmt(pt[last], 1)) GeV, "
                                          + "\(rows.count) muons) did not converge; use fewer [fit] pt_bins or more muons")
            }
            let sw = try SWeights.compute(fit: fit, masses: masses)
            for (r, k) in rows.enumerated() { signal[k] = sw.signal[r]; background[k] = sw.background[r] }
            fits.append((pt[first]...pt[last], fit))
        }
        return (signal, background, fits)
    }

    /// One network's per-fold AUCs.
    struct NetworkOutcome {
        let key: String
        let label: String
        /// CWoLa network: sWeighted AUC, true-label AUC, and their difference, per fold.
        let sweighted: [Double]
        let truth: [Double]
        let difference: [Double]
        /// The same inputs trained with the true labels: true-label AUC per fold.
        let supervised: [Double]
    }
}
