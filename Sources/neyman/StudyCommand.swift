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
        the same seed whatever --threads is.
        JSON keys: report, scale, studies (array of objects with name, kind, directory, results, report).
        """
    )

    @Argument(help: "Study definition files (TOML).")
    var files: [String]

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "quick or full.")
    var scale: String = "quick"

    @Option(help: "Worker threads for pseudo-experiments (default: all cores). Results do not depend on it.")
    var threads: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one study file") }
        guard StudyScale(rawValue: scale) != nil else { throw ValidationError("--scale must be quick or full (got '\(scale)')") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be >= 1") }
    }

    func run() throws {
        let scale = StudyScale(rawValue: scale) ?? .quick
        let context = StudyContext(scale: scale, threads: threads, quiet: output.quiet)
        // Parse every file before running any, so a typo in the last one does not cost the first one's run time.
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw NeymanError.invalid("study file not found", file: f)
        }
        var outputs: [StudyOutput] = []
        var entries: [JSONValue] = []
        for f in files {
            let o = try StudyRunner.run(file: f, context: context)
            let dir = files.count == 1 ? out : (out as NSString).appendingPathComponent(o.name)
            try StudyRunner.write(o, to: dir)
            outputs.append(o)
            entries.append(.object([("name", .string(o.name)), ("kind", .string(o.kind)), ("directory", .string(dir)),
                                    ("results", .string((dir as NSString).appendingPathComponent("results.json"))),
                                    ("report", .string((dir as NSString).appendingPathComponent("report.html")))]))
        }
        let reportPath = (out as NSString).appendingPathComponent("report.html")
        if files.count > 1 { try StudyRunner.writeCombined(outputs, to: out, scale: scale) }
        output.emit(.object([("report", .string(reportPath)), ("scale", .string(scale.rawValue)), ("studies", .array(entries))])) {
            (outputs.map { "\($0.name): \($0.title)" } + ["report: \(reportPath)"]).joined(separator: "\n")
        }
    }
}
