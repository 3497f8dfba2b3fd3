import ArgumentParser
import Foundation
import NeymanCore
import NeymanHEP

/// `neyman generate tau-muons`: tau, prompt and fake muons of one process from the built-in generator
/// (``TauMuonGenerator``) or Pythia 8 (``TauMuonPythiaGenerator``; docs/tau-muons.md), as a CSV or NPZ table.
struct GenerateTauMuonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tau-muons",
        abstract: "Tau, prompt and fake muons of one process with the ATLAS tau-muon talk's features (built-in or Pythia 8).",
        discussion: """
        Columns: pt, abs_eta, abs_d0, d0_significance, delta_z0, z0_sin_theta, pt_uncertainty, rho_prime, calo_isolation, random (no
        information), label (1 tau, 0 prompt, 2 fake), origin, true_pt (docs/tau-muons.md). --engine builtin: the built-in
        generator; muon i of a class is the same for any --threads and in any larger sample. --engine pythia: Pythia 8
        (tools/pythia/generate_tau_muons.py in .venv-pythia, created on first use; about a minute per hundred muons per
        core), .npz only, cached: an --out made with the same settings is kept unless --force; the output does not depend
        on --threads. JSON keys: out, process, engine, n_tau, n_prompt, n_fake, seed, cached, status.
        Example: neyman generate tau-muons --process ttbar --tau 20000 --prompt 10000 --fake 10000 --seed 1 --out ttbar.csv
        """
    )

    enum Engine: String, CaseIterable, ExpressibleByArgument {
        /// The built-in generator (TauMuonGenerator).
        case builtin
        /// Pythia 8 (tools/pythia/generate_tau_muons.py in .venv-pythia).
        case pythia
    }

    @Option(help: "ttbar, w, z or wprime (a 600 GeV W' -> tau nu / mu nu).")
    var process: String = "ttbar"

    @Option(help: "Tau muons (label 1).")
    var tau: Int = 10_000

    @Option(help: "Prompt muons (label 0).")
    var prompt: Int = 10_000

    @Option(help: "Fake (non-prompt) muons (label 2).")
    var fake: Int = 10_000

    @Option(help: "builtin (the Swift generator) or pythia (Pythia 8 in .venv-pythia, created on first use).")
    var engine: Engine = .builtin

    @Option(help: "Pythia: muons per chunk (each chunk seeded by its index; part of the cached settings).")
    var chunk: Int = 250

    @Flag(help: "Pythia: regenerate even if --out holds a sample with the same settings.")
    var force = false

    @OptionGroup var seeding: SeedOptions

    @Option(help: "Output table: .csv or .npz (written atomically; .npz only with --engine pythia).")
    var out: String

    @OptionGroup var parallelism: ParallelismOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let p = TauMuonProcess(rawValue: process) else {
            throw NeymanError.invalid("unknown process '\(process)' (\(TauMuonProcess.allCases.map(\.rawValue).joined(separator: ", ")))", parameter: "process")
        }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext == "csv" || ext == "npz" else { throw NeymanError.invalid("the output must be a .csv or .npz file", parameter: "out") }
        try OutputPath.check(out, option: "out", inputs: [])
        var cached = false
        let sample: TauMuonSample
        switch engine {
        case .builtin:
            sample = try TauMuonGenerator.generate(process: p, tau: tau, prompt: prompt, fake: fake, seed: seeding.seed,
                                                   threads: parallelism.threads)
            let ds = try sample.dataset()
            if ext == "csv" { try ds.write(csv: out) } else { try ds.write(npz: out) }
        case .pythia:
            cached = try TauMuonPythiaGenerator.generate(process: p, tau: tau, prompt: prompt, fake: fake, seed: seeding.seed, out: out,
                                                         chunk: chunk, workers: ThreadCount.resolve(parallelism.threads), force: force)
            sample = try TauMuonSample.read(path: out, process: p)
        }
        let n = TauMuonClass.allCases.map { c in sample.muons.filter { $0.truthClass == c }.count }
        output.emit(.object([("out", .string(out)), ("process", .string(p.rawValue)), ("engine", .string(engine.rawValue)),
                             ("n_tau", .integer(n[1])), ("n_prompt", .integer(n[0])), ("n_fake", .integer(n[2])),
                             ("seed", .unsigned(seeding.seed)), ("cached", .bool(cached)), ("status", .string("ok"))])) {
            cached ? "\(out) already holds this Pythia sample; nothing regenerated (--force to redo)"
                : "wrote \(sample.count) muons of \(p.rawValue) (\(n[1]) tau, \(n[0]) prompt, \(n[2]) fake) to \(out)"
        }
    }
}
