import Foundation
import NeymanCore

/// Pythia 8 muon samples (`neyman generate muons --engine pythia`, the muon-samples study): runs
/// tools/pythia/generate_muons.py (Pythia 8 through PyPI's pythia8mc) in the repository's `.venv-pythia`, creating the
/// venv first when it is missing (tools/pythia/setup-venv.sh). The script writes the layout of ``MuonSample``.
public enum PythiaGenerator {
    /// The repository holding tools/pythia: `NEYMAN_ROOT`, else the first of the current directory and the
    /// executable's ancestors that has it.
    public static func repositoryRoot() throws -> URL {
        let fm = FileManager.default
        func has(_ url: URL) -> Bool { fm.fileExists(atPath: url.appendingPathComponent("tools/pythia/generate_muons.py").path) }
        if let env = ProcessInfo.processInfo.environment["NEYMAN_ROOT"] {
            let url = URL(fileURLWithPath: env)
            guard has(url) else { throw NeymanError.invalid("NEYMAN_ROOT=\(env) has no tools/pythia/generate_muons.py", parameter: "engine") }
            return url
        }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 { candidates.append(dir); dir = dir.deletingLastPathComponent() }
        guard let root = candidates.first(where: has) else {
            throw NeymanError.invalid("the pythia engine needs the Neyman repository (tools/pythia/generate_muons.py): run from "
                                      + "its root or set NEYMAN_ROOT", parameter: "engine")
        }
        return root
    }

    /// Runs a program, passing its stderr through (progress), and returns its exit status and stdout.
    static func run(_ program: String, _ args: [String]) throws -> (status: Int32, stdout: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw NeymanError.ioError("cannot start \(program): \(FileSystemError.describe(error: error))")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Generates a sample with Pythia 8 into `out` and returns whether the cached file was kept.
    /// - Parameters:
    ///   - config: a TOML file with the `[sample]` table (the script reads kind, muons, prompt_fraction, seed,
    ///     `[sample.pileup] mu`, `[sample.dimuon] z_fraction`, `[sample.pythia]`).
    ///   - workers: processes the script runs in parallel (the output does not depend on it).
    /// - Returns: whether `out` already held the sample (same settings hash) and was kept.
    public static func generate(config: String, out: String, events: Int?, seed: UInt64?, workers: Int, force: Bool) throws -> Bool {
        let root = try repositoryRoot()
        let setup = try run("/bin/bash", [root.appendingPathComponent("tools/pythia/setup-venv.sh").path])
        let python = setup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard setup.status == 0, !python.isEmpty else {
            throw NeymanError.ioError("could not create .venv-pythia (tools/pythia/setup-venv.sh failed; see above)")
        }
        var args = [root.appendingPathComponent("tools/pythia/generate_muons.py").path, "--config", config, "--out", out,
                    "--workers", String(workers)]
        if let events { args += ["--events", String(events)] }
        if let seed { args += ["--seed", String(seed)] }
        if force { args.append("--force") }
        let r = try run(python, args)
        guard r.status == 0 else {
            throw NeymanError.invalid("the Pythia generator failed (exit \(r.status)); its message is above", file: config)
        }
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return line.contains("\"cached\": true")
    }
}
