import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanStats

/// The four training strategies of the ATLAS tau-muon talk (slides 4-5 and backup), side by side on the same t tbar
/// events, from the same initial weights and validation split:
///
/// ```
///   naive            every training muon once per epoch, unit weights (the pT bias: most tau muons are soft)
///   flat_sampling    each epoch a fresh sample of n_tau tau and n_bkg background muons per pT bin of width w up to
///                    an overflow bin [overflow, inf) (EpochSampling; drawn with replacement where a bin has fewer);
///                    with separate_background (default) n_bkg/2 prompt and n_bkg/2 fake muons, as the talk
///   sample_weights   per class (tau, prompt, fake) weights flat in pT in bins of width w up to `up_to` GeV, muons above
///                    it taking the last bin's weight (the talk's [55, 60) rule; HistogramReweighting.flattening, clamped);
///                    each class's weights sum to its count
///   dcor             BCE + lambda dCor^2(score, pT) on each batch (DisCoPenalty; events "all" or "background")
/// ```
/// The network separates tau muons (label 1) from prompt and fake muons together (label 0), as the talk does.
enum TauMuonStrategy: String, CaseIterable, Sendable {
    case naive
    case flatSampling = "flat_sampling"
    case sampleWeights = "sample_weights"
    case dcor

    /// A name for reports.
    var title: String {
        switch self {
        case .naive: "naive"
        case .flatSampling: "flat sampling per epoch"
        case .sampleWeights: "flattening sample weights"
        case .dcor: "dCor penalty"
        }
    }
}

/// The `[strategies]` table: which strategies run and their bins and lambda.
///
/// ```toml
/// [strategies]
/// names = ["naive", "flat_sampling", "sample_weights", "dcor"]
/// [strategies.flat_sampling]
/// bin_width = 5.0                                   # GeV; bins from the 5 GeV selection
/// overflow = 195.0                                  # the last bin is [195, inf)
/// tau_per_bin = { quick = 500, full = 10000 }       # the talk: 10000 tau, 5000 prompt and 5000 fake per bin
/// background_per_bin = { quick = 500, full = 10000 }  # prompt + fake muons per bin
/// separate_background = true                        # half prompt, half fake in every bin (the talk); false: as they come
/// [strategies.sample_weights]
/// bin_width = 5.0
/// up_to = 60.0                                      # above: the last bin's weight
/// [strategies.dcor]
/// lambda = 10.0
/// events = "all"                                    # all | background
/// ```
struct TauMuonStrategySettings: Sendable {
    var strategies: [TauMuonStrategy]
    var samplingWidth = 5.0, samplingOverflow = 195.0
    var tauPerBin = 500, backgroundPerBin = 500
    /// Prompt and fake muons drawn apart, `background_per_bin / 2` each per bin (the talk's 5000 + 5000), so the
    /// background has the same composition in every bin (``EpochSampling/groups``).
    var backgroundGroups = true
    var weightWidth = 5.0, weightUpTo = 60.0
    var lambda = 10.0
    var discoEvents = DisCoPenalty.Events.all

    init(config root: ConfigTable, scale: StudyScale) throws {
        let t = try root.table("strategies")
        let names = try t?.strings("names") ?? TauMuonStrategy.allCases.map(\.rawValue)
        strategies = try names.map { n in
            guard let s = TauMuonStrategy(rawValue: n) else {
                throw root.invalid("strategies.names", "unknown strategy '\(n)' (\(TauMuonStrategy.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return s
        }
        guard !strategies.isEmpty, Set(strategies).count == strategies.count else {
            throw root.invalid("strategies.names", "give one or more distinct strategies")
        }
        if let f = try t?.table("flat_sampling") {
            samplingWidth = try f.double("bin_width") ?? samplingWidth
            samplingOverflow = try f.double("overflow") ?? samplingOverflow
            tauPerBin = try f.scaledInt("tau_per_bin", scale) ?? tauPerBin
            backgroundPerBin = try f.scaledInt("background_per_bin", scale) ?? backgroundPerBin
            backgroundGroups = try f.bool("separate_background") ?? backgroundGroups
            guard samplingWidth > 0, samplingWidth.isFinite else { throw f.invalid("bin_width", "must be positive (got \(samplingWidth))") }
            guard samplingOverflow > TauMuonGenerator.minimumPt, samplingOverflow.isFinite else {
                throw f.invalid("overflow", "must be above the \(TauMuonGenerator.minimumPt) GeV selection (got \(samplingOverflow))")
            }
            guard (samplingOverflow - TauMuonGenerator.minimumPt) / samplingWidth <= 10_000 else {
                throw f.invalid("bin_width", "gives more than 10000 bins below the overflow")
            }
            guard tauPerBin > 0 else { throw f.invalid("tau_per_bin", "must be positive (got \(tauPerBin))") }
            guard backgroundPerBin > 0 else { throw f.invalid("background_per_bin", "must be positive (got \(backgroundPerBin))") }
            try f.checkMemory("tau_per_bin", count: (tauPerBin + backgroundPerBin) * samplingEdges.count, bytesPerUnit: 24)
        }
        if let w = try t?.table("sample_weights") {
            weightWidth = try w.double("bin_width") ?? weightWidth
            weightUpTo = try w.double("up_to") ?? weightUpTo
            guard weightWidth > 0, weightWidth.isFinite else { throw w.invalid("bin_width", "must be positive (got \(weightWidth))") }
            guard weightUpTo > TauMuonGenerator.minimumPt + weightWidth / 2, weightUpTo.isFinite,
                  (weightUpTo - TauMuonGenerator.minimumPt) / weightWidth <= 10_000 else {
                throw w.invalid("up_to", "must leave at least one bin above the \(TauMuonGenerator.minimumPt) GeV selection (got \(weightUpTo))")
            }
        }
        if let d = try t?.table("dcor") {
            lambda = try d.double("lambda") ?? lambda
            guard lambda.isFinite, lambda >= 0 else { throw d.invalid("lambda", "must be finite and >= 0 (got \(lambda))") }
            let e = try d.string("events") ?? discoEvents.rawValue
            guard let ev = DisCoPenalty.Events(rawValue: e) else { throw d.invalid("events", "unknown value '\(e)' (all, background)") }
            discoEvents = ev
        }
    }

    /// The lower edges of the flat-sampling bins: 5, 5 + w, ..., and the overflow edge.
    var samplingEdges: [Double] {
        let n = Int(((samplingOverflow - TauMuonGenerator.minimumPt) / samplingWidth).rounded(.up))
        return (0..<n).map { TauMuonGenerator.minimumPt + Double($0) * samplingWidth }.filter { $0 < samplingOverflow } + [samplingOverflow]
    }

    /// The edges of the sample-weight bins, from the selection to `up_to`.
    var weightEdges: [Double] {
        let n = max(1, Int(((weightUpTo - TauMuonGenerator.minimumPt) / weightWidth).rounded()))
        return (0...n).map { TauMuonGenerator.minimumPt + (weightUpTo - TauMuonGenerator.minimumPt) * Double($0) / Double(n) }
    }

    /// Per-muon weights flat in pT within each truth class (the sample_weights strategy).
    func flatteningWeights(_ sample: TauMuonSample) throws -> [Float] {
        var weights = [Float](repeating: 1, count: sample.count)
        let axis = try HistogramAxis(edges: weightEdges)
        for cls in TauMuonClass.allCases {
            let rows = sample.muons.indices.filter { sample.muons[$0].truthClass == cls }
            guard !rows.isEmpty else { continue }
            let r = try HistogramReweighting.flattening([rows.map { sample.muons[$0].measurement.ptCB }], axes: [axis],
                                                        overflow: .clampToEdgeBins, columnNames: ["pt"])
            let total = r.weights.reduce(0, +)
            for (k, i) in rows.enumerated() { weights[i] = Float(r.weights[k] * Double(rows.count) / total) }
        }
        return weights
    }

    /// Trains one strategy's network on `sample` (features `names`; tau = label 1, prompt and fake = 0).
    func train(_ strategy: TauMuonStrategy, sample: TauMuonSample, features names: [String], network: StudyNetworkSettings,
               seed: UInt64) throws -> (Network, [EpochRecord]) {
        let labels = sample.muons.map { Float($0.truthClass == .tau ? 1 : 0) }
        let weights = strategy == .sampleWeights ? try flatteningWeights(sample) : nil
        let data = try LabelledEvents(features: try sample.features(names), labels: labels, weights: weights, featureCount: names.count)
        var options = network.options
        options.seed = seed
        options.quiet = true
        let net = try network.makeNetwork(inputs: names.count, seed: seed)
        net.featureNames = names
        let trainer = Trainer(network: net, options: options)
        switch strategy {
        case .flatSampling:
            trainer.epochSampling = try EpochSampling(variable: sample.pt, edges: samplingEdges, classAPerBin: tauPerBin,
                                                      classBPerBin: backgroundPerBin,
                                                      groups: backgroundGroups ? sample.muons.map(\.truthClass.rawValue) : nil)
        case .dcor:
            trainer.penalties = [try DisCoPenalty(lambda: lambda, variable: sample.pt, events: discoEvents)]
        case .naive, .sampleWeights:
            break
        }
        let history = try trainer.train(data)
        return (net, history)
    }
}
