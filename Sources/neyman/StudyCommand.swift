import ArgumentParser
import Foundation
import NeymanCore
import NeymanStudies

/// `neyman study`: run study definitions (`toys/*.toml`) and write their results and reports.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run studies (toys/*.toml): results.json, CSV tables and a self-contained report.html.",
        discussion: """
        With one study file, its outputs go to DIR (DIR/results.json, DIR/*.csv, DIR/report.html). With several,
        each study writes to DIR/<name>/ (name = the file's stem) and DIR/report.html combines all of them.
        --scale quick (default) runs in minutes; --scale full uses the papers' sizes. Results are identical for
        the same seed whatever --threads is. Every file is checked before any study runs. The outputs are written
        into a hidden DIR's-name.partial-* directory beside DIR and moved into place at the end (an earlier output
        in DIR is replaced; a non-empty DIR that Neyman did not write is refused), so a killed run never leaves a
        DIR that looks whole. DIR/.neyman-study marks the directory as a study output.
        JSON keys: report, scale, studies (array of objects with name, kind, directory, results, report).
        With --shard K/N (one study file; 0-based K) only the study's pseudo-experiments of shard K run, and their raw
        numbers go to DIR/shard-K-of-N.json instead of results.json and the report; neyman merge --out DIR2 writes
        from the N shards exactly what the unsharded run writes. Studies whose work is not pseudo-experiments refuse it.
        """
    )

    @Argument(help: "Study definition files (TOML).")
    var files: [String]

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "quick (what make run uses) or full (the papers' sizes).")
    var scale: StudyScale = .quick

    @OptionGroup var parallelism: ParallelismOptions
    var threads: Int? { parallelism.threads }

    @OptionGroup var output: OutputOptions

    @Option(help: "Run only shard K of N of the study's pseudo-experiments (0-based: 0/4 ... 3/4) and write its raw numbers to DIR/shard-K-of-N.json; join the shards with neyman merge.")
    var shard: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one study file") }
    }

    func run() throws {
        let context = StudyContext(scale: scale, threads: threads, quiet: output.quiet)
        // Check every file and the output directory before running anything, so that a typo in the last file or an
        // unwritable --out does not cost the first study's run time.
        for f in files {
            if let problem = FileSystemError.readProblem(f) { throw NeymanError.invalid("study file: \(problem)", file: f) }
        }
        if let shard {
            let selection = try ShardSelection(parsing: shard)
            guard files.count == 1 else { throw NeymanError.invalid("--shard runs one study file, not \(files.count)", parameter: "shard") }
            let prepared = try StudyRunner.prepare(file: files[0], context: context)
            if let reason = StudyRunner.shardRefusal(prepared) {
                throw NeymanError.invalid("a \(prepared.kind) study cannot run in shards: \(reason)", file: prepared.file, parameter: "shard")
            }
            return try ShardOptions.write(try StudyRunner.runShard(prepared, shard: selection, context: context), directory: out,
                                          inputs: [(files[0], "files")], output: output)
        }
        let prepared = try files.map { try StudyRunner.prepare(file: $0, context: context) }
        try Self.write(prepared, files: files, out: out, scale: scale, output: output) { try StudyRunner.run($0, context: context) }
    }

    /// Writes the outputs of the studies `prepared` (from `files`), each computed by `compute`, into `out` (staged and
    /// moved into place, see the discussion) and prints the summary: `neyman study`'s output, and `neyman merge`'s
    /// for a sharded study.
    static func write(_ prepared: [StudyRunner.PreparedStudy], files: [String], out: String, scale: StudyScale, output: OutputOptions,
                      compute: (StudyRunner.PreparedStudy) throws -> StudyOutput) throws {
        var names = Set<String>()
        for p in prepared where !names.insert(p.name).inserted {
            throw NeymanError.invalid("two study files are named '\(p.name)'; their outputs would share DIR/\(p.name)",
                                      file: p.file)
        }
        let marker = JSONValue.object([("neyman_study", .bool(true)), ("files", .array(files.map { .string($0) })),
                                       ("scale", .string(scale.rawValue))]).serialized() + "\n"
        let staging = try AtomicDirectory(destination: out, marker: ".neyman-study", markerContent: marker, option: "out")
        // Everything is written under the staging directory and moved to --out at the end: a killed run leaves only
        // a hidden ".<out>.partial-..." directory, never an --out that looks whole.
        var outputs: [StudyOutput] = []
        var entries: [JSONValue] = []
        for p in prepared {
            let o = try compute(p)
            let relative = prepared.count == 1 ? "" : o.name
            try StudyRunner.write(o, to: (staging.staging as NSString).appendingPathComponent(relative))
            outputs.append(o)
            let dir = prepared.count == 1 ? out : (out as NSString).appendingPathComponent(o.name)
            entries.append(.object([("name", .string(o.name)), ("kind", .string(o.kind)), ("directory", .string(dir)),
                                    ("results", .string((dir as NSString).appendingPathComponent("results.json"))),
                                    ("report", .string((dir as NSString).appendingPathComponent("report.html")))]))
        }
        if prepared.count > 1 { try StudyRunner.writeCombined(outputs, to: staging.staging, scale: scale) }
        try staging.commit()
        let reportPath = (out as NSString).appendingPathComponent("report.html")
        output.emit(.object([("report", .string(reportPath)), ("scale", .string(scale.rawValue)), ("studies", .array(entries))])) {
            (outputs.map { "\($0.name): \($0.title)" } + ["report: \(reportPath)"]).joined(separator: "\n")
        }
    }
}
