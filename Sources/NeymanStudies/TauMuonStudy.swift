import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanReport
import NeymanStats

/// Tau muons vs prompt and fake muons (ATLAS prompt-vs-tau-muon talk; docs/tau-muons.md): the training-set bias in
/// pT and its three cures side by side, efficiencies vs pT at a fixed working point, the thresholds of t tbar reused
/// on W, Z and a BSM-like W', and permutation feature importance.
///
/// For each strategy (``TauMuonStrategySettings``) one network (`[network]`, the talk's 3 x 128 ReLU with batch
/// normalisation and dropout) is trained on the t tbar training muons, tau (label 1) against prompt and fake (0), from
/// the same initial weights and validation split (seed `mixSeed(seed, 10)`). On independent t tbar muons (the
/// evaluation sample), with the score `s = sigmoid(z)`:
/// ```
///   fixed threshold   t: 50 % of all tau muons in the bins pass (EfficiencyCurve, one threshold)
///                     -> tau, prompt, fake efficiency per pT bin; flatness = max_k eps_tau,k - min_k eps_tau,k
///   flat thresholds   t_k: 50 % of the tau muons of bin k pass (the talk's "pT-flat signal efficiency of 50 %")
///                     -> prompt and fake efficiency per bin, and over all bins
///   generalisation    the t_k of t tbar applied unchanged to W, Z, W' -> efficiencies per bin and over all bins
///   importance        PermutationImportance on `importance.events` evaluation muons, `importance.repeats` shuffles
/// ```
/// Efficiency errors are binomial (WorkingPoint.Tally). Networks train in parallel, one task per strategy; the results
/// are the same for any thread count. Seeds: samples `mixSeed(seed, 1 + k)` (training, evaluation, w, z, wprime), the
/// networks `mixSeed(seed, 10)`, the importance subset `mixSeed(seed, 30)` and its shuffles `mixSeed(seed, 40 + i)` for
/// strategy `i`.
public struct TauMuonStudy: Study {
    public static let kind = "tau-muons"

    var source: TauMuonSource
    /// The network's inputs (``TauMuonSample`` column names).
    var features: [String]
    var strategies: TauMuonStrategySettings
    var network: StudyNetworkSettings
    /// Efficiency bin edges; the last bin is an overflow bin (the last edge is `+inf`).
    var edges: [Double]
    var workingPoint: Double
    var importanceRepeats: Int
    var importanceEvents: Int
    var importanceStrategies: [TauMuonStrategy]

    public init(config root: ConfigTable, scale: StudyScale) throws {
        source = try TauMuonSource(config: root, scale: scale)
        let f = try root.table("features")
        let known = TauMuonSample.featureNames + [TauMuonSample.controlFeature]
        var names = try f?.strings("names") ?? TauMuonSample.talkFeatures
        for n in names where !known.contains(n) {
            throw root.invalid("features.names", "unknown feature '\(n)' (known: \(known.joined(separator: ", ")))")
        }
        if try f?.bool("control") ?? true, !names.contains(TauMuonSample.controlFeature) { names.append(TauMuonSample.controlFeature) }
        guard !names.isEmpty, Set(names).count == names.count else { throw root.invalid("features.names", "give distinct features") }
        guard names.contains("pt") else { throw root.invalid("features.names", "must include pt (the variable of the study)") }
        features = names

        let e = try root.table("efficiency")
        var finite = try e?.doubles("edges") ?? [5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150]
        if try e?.bool("overflow") ?? true { finite.append(.infinity) }
        do { try EfficiencyCurve.validate(edges: finite) } catch let err as NeymanError {
            throw root.invalid("efficiency.edges", err.message)
        }
        edges = finite
        workingPoint = try e?.double("working_point") ?? 0.5
        guard workingPoint > 0, workingPoint < 1 else { throw root.invalid("efficiency.working_point", "must be in (0, 1) (got \(workingPoint))") }

        strategies = try TauMuonStrategySettings(config: root, scale: scale)
        let imp = try root.table("importance")
        importanceRepeats = try imp?.scaledInt("repeats", scale) ?? 3
        guard importanceRepeats >= 2, importanceRepeats <= 1000 else {
            throw root.invalid("importance.repeats", "must be in 2...1000 (got \(importanceRepeats))")
        }
        importanceEvents = try imp?.scaledInt("events", scale) ?? 10_000
        guard importanceEvents >= 100 else { throw root.invalid("importance.events", "must be at least 100 (got \(importanceEvents))") }
        let running = strategies.strategies
        let chosen = try imp?.strings("strategies") ?? running.map(\.rawValue)
        importanceStrategies = try chosen.map { n in
            guard let s = TauMuonStrategy(rawValue: n), running.contains(s) else {
                throw root.invalid("importance.strategies", "'\(n)' is not one of strategies.names")
            }
            return s
        }
        network = try StudyNetworkSettings(config: root, scale: scale)
    }

    /// What one strategy gives.
    struct Outcome: Sendable {
        var strategy: TauMuonStrategy
        var epochs: Int
        var auc: Double
        /// One threshold (50 % of all tau muons).
        var fixed: EfficiencyCurve
        /// One threshold per bin (50 % of the tau muons of each bin).
        var flat: EfficiencyCurve
        /// The flat thresholds applied to the other processes, in ``TauMuonSource/others`` order.
        var others: [EfficiencyCurve]
        var importance: PermutationImportance?
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let training = try source.sample(source.training, index: 0, seed: seed, context: context)
        let evaluation = try source.sample(source.evaluation, index: 1, seed: seed, context: context)
        let others: [TauMuonSample] = try source.others.map { s in
            let k = TauMuonSource.otherProcesses.firstIndex { $0.0 == s.name } ?? 0
            return try source.sample(s, index: 2 + k, seed: seed, context: context)
        }
        let names = features, strategies = self.strategies, network = self.network, edges = self.edges, wp = workingPoint
        let evalX = try evaluation.features(names)
        let evalLabels = evaluation.labels, evalPt = evaluation.pt
        let otherX = try others.map { try $0.features(names) }
        let subset = Array(RandomStream(seed: RandomStream.mixSeed(seed, 30), task: 0).permutation(evaluation.count)
            .prefix(importanceEvents))
        let importanceX = subset.flatMap { r in evalX[(r * names.count)..<((r + 1) * names.count)] }
        let importanceLabels = subset.map { evalLabels[$0] == 1 ? 1.0 : 0.0 }
        let trainingSeed = RandomStream.mixSeed(seed, 10)
        let chosen = strategies.strategies, importanceFor = importanceStrategies, repeats = importanceRepeats
        context.log("training \(chosen.count) networks (\(chosen.map(\.rawValue).joined(separator: ", "))) on \(training.count) t tbar muons, "
                    + "inputs \(names.joined(separator: ", "))")
        let outcomes = try deterministicParallelMap(count: chosen.count, threads: context.threads) { i -> Outcome in
            let strategy = chosen[i]
            let (net, history) = try strategies.train(strategy, sample: training, features: names, network: network, seed: trainingSeed)
            func scores(_ x: [Float], _ rows: Int) -> [Double] { net.predictRaw(x, rows: rows).map { logistic(Double($0)) } }
            let s = scores(evalX, evaluation.count)
            let fixed = try EfficiencyCurve.atWorkingPoint(scores: s, labels: evalLabels, variable: evalPt, edges: edges, workingPoint: wp)
            let flat = try EfficiencyCurve.atWorkingPoint(scores: s, labels: evalLabels, variable: evalPt, edges: edges, workingPoint: wp, flat: true)
            let applied = try others.enumerated().map { k, o in
                try EfficiencyCurve.atThresholds(scores: scores(otherX[k], o.count), labels: o.labels, variable: o.pt, edges: edges,
                                                 thresholds: flat.thresholds)
            }
            let auc = try ROC.auc(scores: s, labels: evalLabels.map { $0 == 1 ? 1 : 0 })
            var importance: PermutationImportance? = nil
            if importanceFor.contains(strategy) {
                importance = try PermutationImportance.compute(network: net, features: importanceX, labels: importanceLabels, repeats: repeats,
                                                               seed: RandomStream.mixSeed(seed, UInt64(40 + i)))
            }
            context.log(String(format: "%@: %d epochs, AUC %.4f", strategy.rawValue, history.count, auc))
            return Outcome(strategy: strategy, epochs: history.count, auc: auc, fixed: fixed, flat: flat, others: applied, importance: importance)
        }
        return try report(outcomes, training: training)
    }

    /// `max_k eps_k - min_k eps_k` of the tau efficiency per bin (bins with tau muons), and its error from those two
    /// bins' errors added in quadrature.
    static func flatness(_ c: EfficiencyCurve) -> (value: Double, error: Double) {
        guard let tau = c.tallies(label: 1) else { return (.nan, .nan) }
        let filled = tau.filter { $0.events > 0 }
        guard let hi = filled.max(by: { $0.efficiency < $1.efficiency }), let lo = filled.min(by: { $0.efficiency < $1.efficiency }) else {
            return (.nan, .nan)
        }
        return (hi.efficiency - lo.efficiency, (hi.efficiencyError * hi.efficiencyError + lo.efficiencyError * lo.efficiencyError).squareRoot())
    }

    /// The efficiency of `label` over all bins together (tallies summed), with its binomial error.
    static func overall(_ c: EfficiencyCurve, label: Double) -> WorkingPoint.Tally {
        var total = WorkingPoint.Tally()
        for t in c.tallies(label: label) ?? [] {
            total.events += t.events
            total.passWeight += t.passWeight; total.failWeight += t.failWeight
            total.passWeightSquared += t.passWeightSquared; total.failWeightSquared += t.failWeightSquared
        }
        return total
    }
}
