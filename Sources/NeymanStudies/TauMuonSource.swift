import Foundation
import NeymanCore
import NeymanHEP

/// Where the tau-muon study's muons come from, and how many of each class per sample: `[samples]` of
/// `toys/tau-muons.toml`.
///
/// ```toml
/// [samples]
/// generator = "builtin"                  # the built-in generator (TauMuonGenerator); "pythia" is not available yet
/// [samples.training]                     # t tbar, the training set (split into train and validation)
/// tau = { quick = 20000, full = 250000 } # label 1
/// prompt = ...                           # label 0
/// fake = ...                             # label 2
/// [samples.evaluation]                   # independent t tbar muons: efficiencies, thresholds, importances
/// [samples.w]                            # W, Z and the BSM-like W' (600 GeV): the thresholds of t tbar applied as they are
/// [samples.z]
/// [samples.wprime]
/// ```
/// Each sample is drawn from its own seed, `mixSeed(studySeed, 1 + k)` for sample `k` in the order above. A Pythia 8
/// source (issue 16, item 1) will be a second case of ``Generator`` writing the same ``TauMuonSample``.
struct TauMuonSource: Sendable {
    enum Generator: String, Sendable { case builtin, pythia }

    /// One sample: its process and the number of muons of each class.
    struct SampleSize: Sendable {
        var name: String
        var process: TauMuonProcess
        var tau: Int, prompt: Int, fake: Int
        var total: Int { tau + prompt + fake }
    }

    var generator: Generator
    var training: SampleSize
    var evaluation: SampleSize
    /// W, Z, W' in that order (those present).
    var others: [SampleSize]

    static let otherProcesses: [(String, TauMuonProcess)] = [("w", .w), ("z", .z), ("wprime", .wprime)]

    init(config root: ConfigTable, scale: StudyScale) throws {
        let t = try root.require("samples") { try root.table($0) }
        var chosen = Generator.builtin
        for at in StudyScale.allCases {
            let g = try t.scaledString("generator", at) ?? "builtin"
            guard let gen = Generator(rawValue: g) else { throw t.invalid("generator", "must be \"builtin\" or \"pythia\" (got \"\(g)\")") }
            if at == scale { chosen = gen }
        }
        guard chosen == .builtin else {
            throw t.invalid("generator", "Pythia 8 tau-muon samples are not available yet (issue 16, item 1): use \"builtin\"")
        }
        generator = chosen
        func size(_ name: String, _ process: TauMuonProcess, required: Bool) throws -> SampleSize? {
            guard let s = try t.table(name) else {
                if required { throw t.invalid(name, "is required (a table with tau, prompt and fake counts)") }
                return nil
            }
            func count(_ key: String) throws -> Int {
                let n = try s.scaledInt(key, scale) ?? 0
                guard n >= 0 else { throw s.invalid(key, "must be >= 0 (got \(n))") }
                return n
            }
            let out = SampleSize(name: name, process: process, tau: try count("tau"), prompt: try count("prompt"), fake: try count("fake"))
            try s.checkMemory("tau", count: out.total, bytesPerUnit: TauMuonSample.bytesPerMuon)
            return out
        }
        training = try size("training", .ttbar, required: true) ?? SampleSize(name: "training", process: .ttbar, tau: 0, prompt: 0, fake: 0)
        evaluation = try size("evaluation", .ttbar, required: true) ?? training
        for (name, s) in [("training", training), ("evaluation", evaluation)] {
            guard s.tau >= 100, s.prompt + s.fake >= 100 else {
                throw t.invalid(name, "needs at least 100 tau muons and 100 prompt + fake muons (got \(s.tau) and \(s.prompt + s.fake))")
            }
        }
        others = try TauMuonSource.otherProcesses.compactMap { try size($0.0, $0.1, required: false) }
        for s in others where s.tau < 10 {
            throw t.invalid(s.name, "needs at least 10 tau muons to measure their efficiency (got \(s.tau))")
        }
    }

    /// The sample `size`, drawn from `mixSeed(seed, 1 + index)`.
    func sample(_ size: SampleSize, index: Int, seed: UInt64, context: StudyContext) throws -> TauMuonSample {
        context.log("built-in generator: \(size.process.rawValue) (\(size.name)): \(size.tau) tau, \(size.prompt) prompt, \(size.fake) fake muons")
        return try TauMuonGenerator.generate(process: size.process, tau: size.tau, prompt: size.prompt, fake: size.fake,
                                             seed: RandomStream.mixSeed(seed, UInt64(1 + index)), threads: context.threads)
    }
}
