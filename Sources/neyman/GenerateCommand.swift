import ArgumentParser
import Foundation
import NeymanCore
import NeymanHEP

/// `neyman generate`: event samples.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate event samples (muons with their surroundings).",
        subcommands: [GenerateMuonsCommand.self, GenerateTauMuonsCommand.self]
    )
}

/// `neyman generate muons`: a muon sample in the layout of docs/muon-samples.md.
struct GenerateMuonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muons",
        abstract: "Muons with the deposits around them (isolation or dimuon sample), written as NPZ.",
        discussion: """
        The [sample] table of --config sets what is generated (docs/muon-samples.md; example toys/samples/muon-sample.toml).
        --engine builtin: the built-in fast generator (seconds). --engine pythia: Pythia 8 (PyPI's pythia8mc) through
        tools/pythia/generate_muons.py in .venv-pythia, created on first use (minutes per thousand muons).
        The output is cached: when --out exists and was made with the same settings (its metadata's settings_hash),
        nothing is regenerated unless --force.
        JSON keys: out, n_muons, n_signal, n_background, rate_per_second, settings_hash, cached, status.
        """
    )

    enum Engine: String, CaseIterable, ExpressibleByArgument {
        /// The built-in fast generator (MuonGenerator).
        case builtin
        /// Pythia 8 (tools/pythia/generate_muons.py in .venv-pythia).
        case pythia
    }

    @Option(help: "TOML file with a [sample] table.")
    var config: String

    @Option(help: "Output NPZ file (written atomically).")
    var out: String

    @Option(help: "builtin (the fast Swift generator) or pythia (Pythia 8 in .venv-pythia, created on first use).")
    var engine: Engine = .builtin

    @Option(help: "Override [sample] muons: the number of muons (dimuon: twice the number of events).")
    var events: Int?

    @Option(help: "Override [sample] seed.")
    var seed: UInt64?

    @Flag(help: "Also store the 32 x 32 images (float32); readers otherwise compute them from the deposits.")
    var images = false

    @Flag(help: "Regenerate even if --out holds a sample with the same settings.")
    var force = false

    @OptionGroup var parallelism: ParallelismOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        try OutputPath.check(out, option: "out", inputs: [(config, "config")])
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "npz" else {
            throw NeymanError.invalid("the output must be a .npz file", parameter: "out")
        }
        let table = try ConfigFile.load(path: config)
        var settings = try MuonGeneratorSettings(config: table)
        try table.rejectUnknownKeys()
        if let events {
            guard events >= 2 else { throw NeymanError.invalid("must be at least 2, got \(events)", parameter: "events") }
            try MemoryBudget.check(count: events, bytesPerElement: 4096, what: "events", isParameter: true)
            settings.muons = events
        }
        if let seed { settings.seed = seed }
        if engine == .pythia {
            let started = Date()
            let cached = try PythiaGenerator.generate(config: config, out: out, events: events, seed: seed,
                                                   workers: ThreadCount.resolve(parallelism.threads), force: force)
            let sample = try MuonSample.read(path: out)
            let hash = Self.metadataHash(sample.metadata) ?? ""
            report(sample, rate: cached ? nil : Double(sample.count) / max(Date().timeIntervalSince(started), 1e-9), hash: hash, cached: cached)
            return
        }
        let hash = settings.hash
        if !force, let cached = try? MuonSample.read(path: out), cached.metadata.contains("\"settings_hash\":\"\(hash)\"") {
            report(cached, rate: nil, hash: hash, cached: true)
            return
        }
        let progress = ProgressDisplay("muons", total: settings.kind == .dimuon ? settings.muons / 2 : settings.muons, quiet: output.quiet)
        let started = Date()
        let sample = try MuonGenerator.generate(settings, threads: parallelism.threads, progress: progress)
        progress.finish()
        let seconds = max(Date().timeIntervalSince(started), 1e-9)
        try sample.write(to: out, includeImages: images)
        report(sample, rate: Double(sample.count) / seconds, hash: hash, cached: false)
    }

    /// The `settings_hash` of a sample's metadata JSON.
    static func metadataHash(_ metadata: String) -> String? {
        guard let data = metadata.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["settings_hash"] as? String
    }

    func report(_ sample: MuonSample, rate: Double?, hash: String, cached: Bool) {
        let nS = sample.labels?.filter { $0 == 1 }.count ?? 0
        let nB = sample.labels?.filter { $0 == 0 }.count ?? 0
        output.emit(.object([
            ("out", .string(out)), ("n_muons", .integer(sample.count)), ("n_signal", .integer(nS)), ("n_background", .integer(nB)),
            ("rate_per_second", rate.map { .number($0) } ?? .null), ("settings_hash", .string(hash)), ("cached", .bool(cached)),
            ("status", .string("ok")),
        ])) {
            cached ? "\(out) already holds this sample (settings \(hash)); nothing regenerated (--force to redo)"
                : "wrote \(sample.count) muons (\(nS) prompt, \(nB) non-prompt) to \(out)"
                    + (rate.map { String(format: " at %.0f muons/s", $0) } ?? "")
        }
    }
}
