import Foundation
import NeymanCore
import NeymanReport

/// Reads study files (`toys/*.toml`), runs them, and writes their outputs.
///
/// A study file starts with
/// ```toml
/// [study]
/// kind = "bumphunt-power"     # which study (see StudyRunner.kinds)
/// title = "..."               # optional; the report's heading
/// seed = 20191                # every random number of the study derives from it
/// ```
/// followed by the study's own tables. Unknown keys anywhere are an error that names them.
///
/// Outputs (all written atomically): `DIR/results.json` (the numbers; identical for the same seed whatever the
/// thread count), `DIR/<table>.csv`, and `DIR/report.html` (self-contained).
public enum StudyRunner {
    /// The registered study types.
    public static let studies: [any Study.Type] = [BumpHuntPowerStudy.self, LearnedRatioStudy.self, NuisanceFeatureStudy.self,
                                                    ParameterizedNetworkStudy.self, BumpHuntLimitsStudy.self, SPlotStudy.self,
                                                    DisCoStudy.self, CWoLaStudy.self, MuonSampleStudy.self,
                                                    MuonIsolationStudy.self, MuonDataStudy.self, ClassifierReweightingStudy.self,
                                                    TauMuonStudy.self]

    /// The accepted `[study] kind` values.
    public static var kinds: [String] { studies.map { $0.kind } }

    /// A study file parsed and checked, ready to run (``prepare(file:context:)``).
    public struct PreparedStudy {
        /// The study file.
        public let file: String
        /// The file's stem: the study's name and its subdirectory in a combined run.
        public let name: String
        /// `[study] kind`.
        public let kind: String
        /// `[study] title` (default: the name).
        public let title: String
        /// `[study] description`, if any.
        public let description: String?
        /// `[study] seed`: every random number of the study derives from it.
        public let seed: UInt64
        /// The study file's text (shards carry it, and it decides their hash).
        public let text: String
        let study: any Study
    }

    /// Parses one study file and checks every key, without running anything (so that all files of a run can be
    /// checked before the first one spends its run time).
    public static func prepare(file: String, context: StudyContext) throws -> PreparedStudy {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw FileSystemError.readError(file, underlying: error)
        }
        return try prepare(text: text, file: file, context: context)
    }

    /// ``prepare(file:context:)`` from the file's text (`file` names it in messages and the report).
    public static func prepare(text: String, file: String, context: StudyContext) throws -> PreparedStudy {
        let root = try ConfigFile.parse(text, file: file)
        let header = try root.require("study") { try root.table($0) }
        let kind = try header.require("kind") { try header.string($0) }
        guard let type = studies.first(where: { $0.kind == kind }) else {
            throw header.invalid("kind", "unknown study kind '\(kind)' (known: \(kinds.joined(separator: ", ")))")
        }
        let seed = try header.require("seed") { try header.seed($0) }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let title = try header.string("title") ?? name
        let description = try header.string("description")
        let study = try type.init(config: root, scale: context.scale)
        try root.rejectUnknownKeys()
        return PreparedStudy(file: file, name: name, kind: kind, title: title, description: description, seed: seed,
                             text: text, study: study)
    }

    /// Parses and runs one study file.
    public static func run(file: String, context: StudyContext) throws -> StudyOutput {
        try run(prepare(file: file, context: context), context: context)
    }

    /// Runs a prepared study.
    public static func run(_ prepared: PreparedStudy, context: StudyContext) throws -> StudyOutput {
        context.log("\(prepared.name): \(prepared.kind) at scale \(context.scale.rawValue)")
        let started = Date()
        let out = try prepared.study.run(seed: prepared.seed, context: context)
        context.log(String(format: "%@: done in %.1f s", prepared.name, Date().timeIntervalSince(started)))
        return assemble(prepared, out, context: context)
    }

    /// A study's own result with the runner's header and provenance keys: what `neyman study` writes, and what
    /// `neyman merge` writes from a sharded run.
    static func assemble(_ prepared: PreparedStudy, _ out: StudyResult, context: StudyContext) -> StudyOutput {
        let (file, name, kind, title) = (prepared.file, prepared.name, prepared.kind, prepared.title)
        var report = HTMLReport(title: title)
        if let d = prepared.description { report.paragraph(d) }
        report.paragraph("Study file \(URL(fileURLWithPath: file).lastPathComponent), kind \(kind), seed \(prepared.seed), scale "
                         + "\(context.scale.rawValue). Re-run with: neyman study \(file) --out DIR --scale \(context.scale.rawValue)")
        report.append(out.report)
        let results: [(String, JSONValue)] = [("study", .string(name)), ("kind", .string(kind)), ("title", .string(title)),
                                              ("seed", .unsigned(prepared.seed)), ("scale", .string(context.scale.rawValue))]
            + out.results
        return StudyOutput(name: name, kind: kind, title: title, results: results, tables: out.tables, report: report)
    }

    /// Writes `results.json`, the CSV tables and `report.html` of one study into `directory` (created if needed).
    public static func write(_ output: StudyOutput, to directory: String) throws {
        try createDirectory(directory)
        try AtomicFile.write(JSONValue.object(output.results).serialized(pretty: true) + "\n",
                             to: (directory as NSString).appendingPathComponent("results.json"))
        for t in output.tables {
            try CSVWriter.write(t.columns, to: (directory as NSString).appendingPathComponent(t.name + ".csv"))
        }
        try output.report.write(to: (directory as NSString).appendingPathComponent("report.html"))
    }

    /// Writes one report combining several studies (each study's own outputs go to `DIR/<name>/`).
    public static func writeCombined(_ outputs: [StudyOutput], to directory: String, scale: StudyScale) throws {
        try createDirectory(directory)
        var report = HTMLReport(title: "Neyman studies")
        report.paragraph("\(outputs.count) studies at scale \(scale.rawValue). Each study's numbers are in <name>/results.json "
                         + "and its tables in <name>/*.csv next to this file.")
        report.table(headers: ["study", "kind", "title"], rows: outputs.map { [$0.name, $0.kind, $0.title] })
        for o in outputs {
            report.heading(o.title)
            report.append(o.report)
        }
        try report.write(to: (directory as NSString).appendingPathComponent("report.html"))
    }

    static func createDirectory(_ directory: String) throws {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw NeymanError.ioError("cannot create the output directory: \(FileSystemError.describe(error: error))",
                                      file: directory)
        }
    }
}
