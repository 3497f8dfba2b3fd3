import Foundation
import NeymanCore
import NeymanReport

/// How a study runs: scale, threads, progress.
public struct StudyContext: Sendable {
    public var scale: StudyScale
    /// Worker threads for pseudo-experiments (`nil` = all cores). Results do not depend on it.
    public var threads: Int?
    /// Suppress progress on stderr.
    public var quiet: Bool

    public init(scale: StudyScale = .quick, threads: Int? = nil, quiet: Bool = false) {
        self.scale = scale
        self.threads = threads
        self.quiet = quiet
    }

    /// A one-line log message on stderr (unless quiet).
    func log(_ message: String) {
        if !quiet { FileHandle.standardError.write(Data(("[study] " + message + "\n").utf8)) }
    }
}

/// A named table of equal-length numeric columns, written as `<name>.csv` beside a study's `results.json`.
public struct StudyTable: Sendable {
    /// The file name without `.csv`.
    public var name: String
    /// Column names and values, in file order.
    public var columns: [(String, [Double])]

    public init(name: String, columns: [(String, [Double])]) {
        self.name = name
        self.columns = columns
    }
}

/// What a study's `run` returns: its own numbers, tables and report section. The runner adds the provenance keys
/// (study, kind, title, seed, scale) and the report's header to make a ``StudyOutput``.
public struct StudyResult: Sendable {
    /// Keys and values for `results.json`, in order.
    public var results: [(String, JSONValue)]
    public var tables: [StudyTable]
    /// The study's report blocks.
    public var report: HTMLReport

    public init(results: [(String, JSONValue)], tables: [StudyTable], report: HTMLReport) {
        self.results = results
        self.tables = tables
        self.report = report
    }
}

/// What a study produces: the numbers (`results.json`), tables (one CSV each) and the report section.
public struct StudyOutput: Sendable {
    /// The study's name (the TOML file's stem), used for the output directory when several run together.
    public var name: String
    public var kind: String
    public var title: String
    /// The object written to `results.json`.
    public var results: [(String, JSONValue)]
    /// CSV tables: file name (without `.csv`) and named columns.
    public var tables: [StudyTable]
    /// The report blocks (headings, figures with captions, tables).
    public var report: HTMLReport
}

/// A study: built from a parsed study file, run in a context.
public protocol Study: Sendable {
    /// The `[study] kind` that selects this study.
    static var kind: String { get }
    /// Reads the study's own tables from `config` at `scale`; unknown keys are left for the runner to report.
    init(config: ConfigTable, scale: StudyScale) throws
    /// Runs the study. `seed` is the study seed from `[study] seed`.
    func run(seed: UInt64, context: StudyContext) throws -> StudyResult
}
