import Foundation
import NeymanCore

/// Pythia 8 tau-muon samples (`neyman generate tau-muons --engine pythia`, the tau-muon study's
/// `generator = "pythia"`): runs tools/pythia/generate_tau_muons.py in the repository's `.venv-pythia` (created first
/// when missing, tools/pythia/setup-venv.sh, as ``PythiaGenerator`` does for the muon samples). The script writes the
/// columns of ``TauMuonSample/columnNames`` (read them with ``TauMuonSample/read(path:process:)``) and a `metadata`
/// member; its processes, forced decays, vertex handling and detector model are in its docstring and
/// docs/tau-muons.md ("Pythia 8 samples").
public enum TauMuonPythiaGenerator {
    /// Generates `tau`, `prompt` and `fake` muons of `process` into `out` (a .npz) and returns whether `out` already held
    /// them (same settings hash in its metadata) and was kept.
    /// - Parameters:
    ///   - seed: Pythia's seeds are `seed * 1000 + k + 1` (mod 900 000 000) for chunk `k`.
    ///   - chunk: muons per chunk (part of the settings; the output does not depend on `workers`).
    ///   - workers: processes the script runs in parallel.
    /// - Throws: ``NeymanError`` for a negative count, no muons, a chunk below 1, an output that is not .npz, a venv that
    ///   cannot be created (``NeymanError/ioError(_:)``) or a script that fails (its message is on stderr).
    public static func generate(process: TauMuonProcess, tau: Int, prompt: Int, fake: Int, seed: UInt64, out: String,
                                chunk: Int = 250, workers: Int, force: Bool) throws -> Bool {
        for (name, n) in [("tau", tau), ("prompt", prompt), ("fake", fake)] where n < 0 {
            throw NeymanError.invalid("the number of \(name) muons must be >= 0 (got \(n))", parameter: name)
        }
        guard tau + prompt + fake > 0 else { throw NeymanError.invalid("ask for at least one muon", parameter: "tau") }
        guard chunk >= 1 else { throw NeymanError.invalid("must be >= 1 (got \(chunk))", parameter: "chunk") }
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "npz" else {
            throw NeymanError.invalid("the Pythia engine writes .npz files", parameter: "out")
        }
        let root = try PythiaGenerator.repositoryRoot()
        let setup = try PythiaGenerator.run("/bin/bash", [root.appendingPathComponent("tools/pythia/setup-venv.sh").path])
        let python = setup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard setup.status == 0, !python.isEmpty else {
            throw NeymanError.ioError("could not create .venv-pythia (tools/pythia/setup-venv.sh failed; see above)")
        }
        var args = [root.appendingPathComponent("tools/pythia/generate_tau_muons.py").path, "--process", process.rawValue,
                    "--tau", String(tau), "--prompt", String(prompt), "--fake", String(fake), "--seed", String(seed),
                    "--chunk", String(chunk), "--out", out, "--workers", String(max(1, workers))]
        if force { args.append("--force") }
        let r = try PythiaGenerator.run(python, args)
        guard r.status == 0 else {
            throw NeymanError.invalid("the Pythia tau-muon generator failed (exit \(r.status)); its message is above", parameter: "engine")
        }
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return line.contains("\"cached\": true")
    }
}
