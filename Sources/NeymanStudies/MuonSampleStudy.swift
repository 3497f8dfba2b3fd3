import Foundation
import NeymanCore
import NeymanHEP
import NeymanReport
import NeymanStats

/// The built-in fast muon generator next to Pythia 8 (issue: validate the fast generator): the mean calorimeter
/// images of prompt and non-prompt muons (the muon paper's fig. 2), the spectra of a cone isolation, and the AUC of
/// every cone and of the particle-flow isolation for both generators, with the rank correlation of the two AUC
/// curves (does the fast generator order the cones as Pythia does?).
///
/// Study file: `[samples] builtin_muons`, `pythia_muons` (0 leaves Pythia out), `cache` (where generated samples are
/// kept, keyed by their settings: a rerun regenerates nothing it has), and an optional `[sample]` table of generator
/// knobs (docs/muon-samples.md).
public struct MuonSampleStudy: Study {
    public static let kind = "muon-samples"

    public var builtinMuons: Int
    public var pythiaMuons: Int
    public var cache: String
    public var settings: MuonGeneratorSettings
    let configDirectory: URL

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let t = try root.require("samples") { try root.table($0) }
        builtinMuons = try t.requirePositive("builtin_muons", scale)
        pythiaMuons = try t.scaledInt("pythia_muons", scale) ?? 0
        guard pythiaMuons == 0 || pythiaMuons >= 20 else { throw t.invalid("pythia_muons", "must be 0 (no Pythia) or at least 20") }
        try MemoryBudget.check(count: builtinMuons + pythiaMuons, bytesPerElement: 16_384, what: "samples.builtin_muons", file: root.file)
        cache = try t.string("cache") ?? ".cache/muon-samples"
        settings = root.contains("sample") ? try MuonGeneratorSettings(config: root) : MuonGeneratorSettings()
        configDirectory = root.directory
    }

    /// The per-generator numbers.
    struct Summary {
        let name: String
        let sample: MuonSample
        let radii: [Double]
        let aucs: [Double]
        let pfAUC: Double
        let meanImages: (prompt: [Double], nonPrompt: [Double])
        let cone: (prompt: [Double], nonPrompt: [Double])   // I(0.3) per muon of each class
    }

    static func summarise(_ name: String, _ sample: MuonSample, radii: [Double]) throws -> Summary {
        guard let labels = sample.labels else { throw NeymanError.invalid("the \(name) sample has no labels") }
        let cones = sample.cones(radii)
        let weights = sample.weights
        let aucs = try cones.map { try ROC.auc(scores: $0.map { -$0 }, labels: labels, weights: weights) }
        let pf = try ROC.auc(scores: sample.particleFlowIsolation().map { -$0 }, labels: labels, weights: weights)
        var sums = ([Double](repeating: 0, count: 1024), [Double](repeating: 0, count: 1024)), counts = (0.0, 0.0)
        for k in 0..<sample.count {
            let image = sample.image(k)
            if labels[k] == 1 { for c in 0..<1024 { sums.0[c] += image[c] }; counts.0 += 1 } else {
                for c in 0..<1024 { sums.1[c] += image[c] }; counts.1 += 1
            }
        }
        let i03 = radii.firstIndex { abs($0 - 0.3) < 1e-9 } ?? radii.count / 2
        return Summary(name: name, sample: sample, radii: radii, aucs: aucs, pfAUC: pf,
                       meanImages: (sums.0.map { $0 / max(counts.0, 1) }, sums.1.map { $0 / max(counts.1, 1) }),
                       cone: (zip(cones[i03], labels).filter { $0.1 == 1 }.map(\.0), zip(cones[i03], labels).filter { $0.1 == 0 }.map(\.0)))
    }

    /// The Pythia sample: generated once per settings into the cache directory.
    func pythiaSample(seed: UInt64, context: StudyContext) throws -> MuonSample {
        try MuonSampleSource.pythia(muons: pythiaMuons, kind: .isolation, settings: settings, cache: cache, seed: seed, context: context)
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let radii = IsolationCones.defaultRadii
        var s = settings
        s.muons = builtinMuons
        s.kind = .isolation
        s.seed = seed
        context.log("built-in generator: \(builtinMuons) muons")
        let started = Date()
        let builtin = try MuonGenerator.generate(s, threads: context.threads)
        let builtinRate = Double(builtinMuons) / max(Date().timeIntervalSince(started), 1e-9)
        var summaries = [try Self.summarise("built-in", builtin, radii: radii)]
        if pythiaMuons > 0 { summaries.append(try Self.summarise("Pythia 8", try pythiaSample(seed: seed, context: context), radii: radii)) }
        return try report(summaries, builtinRate: builtinRate)
    }
}
