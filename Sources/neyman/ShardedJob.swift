import Foundation
import NeymanCore

/// A sharded run as batch jobs: the command every shard job runs (with its shard index left open) and the merge
/// job's command. ``SlurmScripts`` and ``CondorScripts`` render it for their scheduler.
///
/// Layout of the job directory `DIR`: `DIR/logs/` (each job's stdout and stderr), `DIR/shards/shard-K-of-N.json`
/// (one per shard job), and the merged result, `DIR/result.json` (a verb's JSON output) or `DIR/result/` (a study's
/// outputs). Every job changes to the directory `neyman submit` ran in, so relative paths in the command mean what
/// they meant there, and a study's report names its file as written.
struct ShardedJob {
    /// `N`.
    let shards: Int
    /// `--threads` of each shard job, and the CPUs it asks for.
    let threads: Int
    /// `--out` as given (relative to ``workingDirectory`` unless absolute).
    let directory: String
    /// `--out`, absolute.
    let absoluteDirectory: String
    /// Where `neyman submit` ran; every job starts there.
    let workingDirectory: String
    /// The absolute path of this `neyman` executable.
    let executable: String
    /// The unsharded command without `neyman`: `["cls", ...]` or `["study", FILE, "--scale", S]`.
    let runArguments: [String]
    /// The unsharded command, for people.
    let description: String
    /// A study (the merge writes a directory) rather than a verb (the merge prints JSON).
    let resultIsDirectory: Bool
    /// Variables the jobs export: those of ``exportedVariables`` set at submission.
    let environment: [(String, String)]

    /// Passed on to every job when set where `neyman submit` runs: `OPENBLAS_CORETYPE` (every node then uses the
    /// same OpenBLAS kernels, so a network trains to the same bits as on the submitting machine) and
    /// `SOURCE_DATE_EPOCH` (the date a merged study report states, for byte-identical reports).
    static let exportedVariables = ["OPENBLAS_CORETYPE", "SOURCE_DATE_EPOCH"]

    /// Stands for the shard index in ``shardArguments``; each scheduler puts its own variable there.
    static let indexPlaceholder = "\u{1}K\u{1}"

    /// The shard directory, relative to the working directory as `--out` was.
    var shardDirectory: String { (directory as NSString).appendingPathComponent("shards") }
    /// The merged result: `DIR/result.json` (verb) or `DIR/result` (study).
    var resultPath: String { (directory as NSString).appendingPathComponent(resultIsDirectory ? "result" : "result.json") }
    /// The log directory, absolute.
    var logDirectory: String { (absoluteDirectory as NSString).appendingPathComponent("logs") }

    /// `path` made absolute against the working directory.
    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
    }

    /// The arguments of shard job `K` (``indexPlaceholder`` where `K` goes).
    var shardArguments: [String] {
        runArguments + ["--shard", "\(Self.indexPlaceholder)/\(shards)", "--out", shardDirectory, "--threads", String(threads),
                        "--quiet", "--format", "json"]
    }

    /// The shard files the merge reads, in order.
    var shardFiles: [String] {
        (0..<shards).compactMap { k in
            (try? ShardSelection(index: k, count: shards)).map { (shardDirectory as NSString).appendingPathComponent($0.fileName) }
        }
    }

    /// The merge job's arguments (a verb's merge prints the JSON the scheduler's script stores in `result.json`).
    var mergeArguments: [String] {
        ["merge"] + shardFiles + (resultIsDirectory ? ["--out", resultPath] : []) + ["--quiet", "--format", "json"]
    }

    /// Whether `path` can go into a job script and a scheduler directive unquoted and unexpanded.
    static func isPlainPath(_ path: String) -> Bool {
        !path.isEmpty && path.unicodeScalars.allSatisfy { u in
            u.value > 0x20 && u.value != 0x7F && !"\"'`$%\\;&|<>*?#!(){}[]".unicodeScalars.contains(u)
        }
    }

    /// This process's executable, absolute (`/proc/self/exe`, else `argv[0]` against the current directory).
    static func currentExecutable() -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        let a = CommandLine.arguments.first ?? "neyman"
        return a.hasPrefix("/") ? a : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(a)
    }

    /// `word` quoted for a POSIX shell (single quotes; a single quote as `'\''`), with ``indexPlaceholder`` replaced
    /// by `"$variable"` outside the quotes.
    static func shellWord(_ word: String, index variable: String) -> String {
        if word.isEmpty { return "''" }
        return word.components(separatedBy: indexPlaceholder).map { part in
            part.isEmpty ? "" : "'" + part.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: "\"${\(variable)}\"")
    }
}
