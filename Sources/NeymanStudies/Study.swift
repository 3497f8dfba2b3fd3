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

/// What a study produces: the numbers (`results.json`), tables (one CSV each) and the report section.
public struct StudyOutput: Sendable {
    /// The study's name (the TOML file's stem), used for the output directory when several run together.
    public var name: String
    public var kind: String
    public var title: String
    /// The object written to `results.json`.
    public var results: [(String, JSONValue)]
    /// CSV tables: file name (without `.csv`) and named columns.
    public var tables: [(name: String, columns: [(String, [Double])])]
    /// The report blocks (headings, figures with captions, tables).
    public var report: HTMLReport
}

/// A study: built from a parsed study file, run in a context.
public protocol Study {
    /// The `[study] kind` that selects this study.
    static var kind: String { get }
    /// Reads the study's own tables from `config` at `scale`; unknown keys are left for the runner to report.
    init(config: ConfigTable, scale: StudyScale) throws
    /// Runs the study. `seed` is the study seed from `[study] seed`.
    func run(seed: UInt64, context: StudyContext) throws -> (results: [(String, JSONValue)],
                                                            tables: [(name: String, columns: [(String, [Double])])],
                                                            report: HTMLReport)
}
