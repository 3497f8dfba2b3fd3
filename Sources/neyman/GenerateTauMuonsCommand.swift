import ArgumentParser
import Foundation
import NeymanCore
import NeymanHEP

/// `neyman generate tau-muons`: tau, prompt and fake muons of one process from the built-in generator
/// (``TauMuonGenerator``; docs/tau-muons.md), as a CSV or NPZ table.
struct GenerateTauMuonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tau-muons",
        abstract: "Tau, prompt and fake muons of one process with the ATLAS tau-muon talk's features (built-in generator).",
        discussion: """
        Columns: pt, abs_eta, abs_d0, d0_significance, delta_z0, z0_sin_theta, pt_uncertainty, rho_prime, calo_isolation, random (no
        information), label (1 tau, 0 prompt, 2 fake), origin, true_pt (docs/tau-muons.md). Muon i of a class is the same
        for any --threads and in any larger sample. JSON keys: out, process, n_tau, n_prompt, n_fake, seed, status.
        Example: neyman generate tau-muons --process ttbar --tau 20000 --prompt 10000 --fake 10000 --seed 1 --out ttbar.csv
        """
    )

    @Option(help: "ttbar, w, z or wprime (a 600 GeV W' -> tau nu / mu nu).")
    var process: String = "ttbar"

    @Option(help: "Tau muons (label 1).")
    var tau: Int = 10_000

    @Option(help: "Prompt muons (label 0).")
    var prompt: Int = 10_000

    @Option(help: "Fake (non-prompt) muons (label 2).")
    var fake: Int = 10_000

    @OptionGroup var seeding: SeedOptions

    @Option(help: "Output table: .csv or .npz (written atomically).")
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
        let sample = try TauMuonGenerator.generate(process: p, tau: tau, prompt: prompt, fake: fake, seed: seeding.seed,
                                                   threads: parallelism.threads)
        let ds = try sample.dataset()
        if ext == "csv" { try ds.write(csv: out) } else { try ds.write(npz: out) }
        output.emit(.object([("out", .string(out)), ("process", .string(p.rawValue)), ("n_tau", .integer(tau)),
                             ("n_prompt", .integer(prompt)), ("n_fake", .integer(fake)), ("seed", .unsigned(seeding.seed)),
                             ("status", .string("ok"))])) {
            "wrote \(sample.count) muons of \(p.rawValue) (\(tau) tau, \(prompt) prompt, \(fake) fake) to \(out)"
        }
    }
}
