import Foundation
import NeymanCore
import NeymanHEP

/// Where a muon study's events come from: the built-in fast generator (``MuonGenerator``) or Pythia 8
/// (``PythiaGenerator``, run once per settings into a cache directory and read back from there on later runs).
///
/// Study files choose it in `[samples]`: `generator = "builtin"` or `"pythia"` (or per scale,
/// `{ quick = "builtin", full = "pythia" }`), `muons` (scaled), `cache`, and an
/// optional `[sample]` table of generator knobs (docs/muon-samples.md).
struct MuonSampleSource: Sendable {
    enum Generator: String, Sendable { case builtin, pythia }

    var generator: Generator
    /// `[samples] muons` (scaled): muons in the sample (two per event for dimuon samples).
    var muons: Int
    /// `[samples] cache`: where Pythia samples are kept between runs.
    var cache: String
    /// The generator knobs of `[sample]` (docs/muon-samples.md).
    var settings: MuonGeneratorSettings
    /// `[samples] folds`: k of the studies' k-fold trainings (2...20, default 5).
    var folds: Int
    /// `[samples] max_cells`: the most image cells kept per muon as particles (1...1024, default 64).
    var maxCells: Int
    /// `[samples] charged_pileup`: `"kept"` (default) or `"removed"` (charged-hadron subtraction,
    /// ``MuonSample/removingChargedPileup()``): whether charged deposits from pileup vertices enter the images.
    var removeChargedPileup: Bool

    /// Reads `generator`, `muons`, `cache`, `folds`, `max_cells` from `t` (the study's `[samples]`, which may hold the study's own keys too)
    /// and the root's `[sample]`; `kind` is the sample kind the study needs.
    init(samples t: ConfigTable, root: ConfigTable, scale: StudyScale, kind: MuonGeneratorSettings.Kind) throws {
        // Both scales' words are checked, whichever runs.
        var chosen = Generator.builtin
        for at in StudyScale.allCases {
            let g = try t.scaledString("generator", at) ?? "builtin"
            guard let gen = Generator(rawValue: g) else { throw t.invalid("generator", "must be \"builtin\" or \"pythia\" (got \"\(g)\")") }
            if at == scale { chosen = gen }
        }
        generator = chosen
        muons = try t.requirePositive("muons", scale)
        guard muons >= 200 else { throw t.invalid("muons", "must be at least 200 (got \(muons))") }
        try MemoryBudget.check(count: muons, bytesPerElement: 16_384, what: "samples.muons", file: root.file)
        cache = try t.string("cache") ?? ".cache/muon-samples"
        settings = root.contains("sample") ? try MuonGeneratorSettings(config: root) : MuonGeneratorSettings()
        settings.kind = kind
        folds = try t.int("folds") ?? 5
        guard (2...20).contains(folds) else { throw t.invalid("folds", "must be in 2...20 (got \(folds))") }
        maxCells = try t.int("max_cells") ?? 64
        guard (1...1024).contains(maxCells) else { throw t.invalid("max_cells", "must be in 1...1024 (got \(maxCells))") }
        let pileup = try t.string("charged_pileup") ?? "kept"
        guard pileup == "kept" || pileup == "removed" else {
            throw t.invalid("charged_pileup", "must be \"kept\" or \"removed\" (charged-hadron subtraction), got \"\(pileup)\"")
        }
        removeChargedPileup = pileup == "removed"
    }

    /// The sample for `seed` (without charged pileup when `charged_pileup = "removed"`).
    func sample(seed: UInt64, context: StudyContext) throws -> MuonSample {
        let s = try generated(seed: seed, context: context)
        guard removeChargedPileup else { return s }
        context.log("charged-hadron subtraction: charged pileup deposits removed")
        return try s.removingChargedPileup()
    }

    /// The generator's sample for `seed`.
    private func generated(seed: UInt64, context: StudyContext) throws -> MuonSample {
        switch generator {
        case .builtin:
            var s = settings
            s.muons = muons
            s.seed = seed
            context.log("built-in generator: \(muons) muons (\(s.kind.rawValue))")
            return try MuonGenerator.generate(s, threads: context.threads)
        case .pythia:
            return try Self.pythia(muons: muons, kind: settings.kind, settings: settings, cache: cache, seed: seed, context: context)
        }
    }

    /// A Pythia sample of `muons` muons (dimuon kind: muons, two per event), generated once per (kind, seed, count)
    /// into `cache` and read from there afterwards.
    static func pythia(muons: Int, kind: MuonGeneratorSettings.Kind, settings: MuonGeneratorSettings, cache: String,
                       seed: UInt64, context: StudyContext) throws -> MuonSample {
        let dir = URL(fileURLWithPath: cache, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let stem = kind == .isolation ? "pythia-\(seed)-\(muons)" : "pythia-\(kind.rawValue)-\(seed)-\(muons)"
        let config = dir.appendingPathComponent("\(stem).toml").path
        let chunk = max(20, (muons + 1) / 2)
        try AtomicFile.write("""
            [sample]
            kind = "\(kind.rawValue)"
            muons = \(muons)
            seed = \(seed)
            prompt_fraction = \(settings.promptFraction)
            [sample.pileup]
            mu = \(settings.pileupMu)
            [sample.dimuon]
            z_fraction = \(settings.zFraction)
            [sample.pythia]
            pool_size = \(min(settings.pythiaPoolSize, 100))
            chunk = \(chunk)
            """ + "\n", to: config)
        let out = dir.appendingPathComponent("\(stem).npz").path
        context.log("Pythia 8: \(muons) muons (\(kind.rawValue)) into \(out) (kept for later runs)")
        _ = try PythiaGenerator.generate(config: config, out: out, events: nil, seed: nil,
                                         workers: ThreadCount.resolve(context.threads), force: false)
        return try MuonSample.read(path: out)
    }
}
