import ArgumentParser
import Foundation
import NeymanCore
import NeymanStudies

/// `neyman submit`: batch-system scripts that run a sharded study or verb as a job array and merge the shards.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write (and optionally submit) cluster jobs that run a study or verb in shards and merge them.",
        discussion: """
        neyman submit slurm (--study FILE | -- VERB ARGS...) --shards N [--partition P] [--time T] [--out DIR] [--submit]
        neyman submit condor (--study FILE | -- VERB ARGS...) --shards N [--out DIR] [--submit]
        DIR (default neyman-jobs) receives the scripts, logs/, shards/ (one shard-K-of-N.json per job) and the merged
        result: result.json for a verb, result/ for a study. The jobs run in the current directory (a file system
        every node shares), with this neyman executable.
        """,
        subcommands: [SubmitSlurmCommand.self, SubmitCondorCommand.self]
    )
}

/// The options both schedulers share.
struct SubmitOptions: ParsableArguments {
    @Option(help: "A study file (toys/*.toml) to run in shards.")
    var study: String?

    @Option(help: "The study's --scale (quick or full).")
    var scale: StudyScale = .quick

    @Option(parsing: .unconditional, help: "Number of shards N: the jobs of the array.")
    var shards: Int

    @Option(parsing: .unconditional, help: "Threads per shard job: its --threads and the CPUs it asks for.")
    var threads: Int = 1

    @Option(help: "Directory for the scripts, logs, shard results and the merged result.")
    var out: String = "neyman-jobs"

    @Flag(help: "Submit the jobs too (and print their ids).")
    var submit = false

    @Argument(parsing: .postTerminator, help: "After --: the verb and its options (cls or significance with --calculator toys).")
    var command: [String] = []

    @OptionGroup var output: OutputOptions

    /// Options a shard job sets itself, refused in the verb's arguments.
    static let reserved = ["--shard", "--out", "--threads", "--format", "--quiet"]

    /// Checks what is to run and returns the job plan (nothing is written).
    func plan(scheduler: String) throws -> ShardedJob {
        _ = try ShardSelection(index: 0, count: shards, option: "shards")
        guard threads >= 1, threads <= 1024 else { throw NeymanError.invalid("must be between 1 and 1024, got \(threads)", parameter: "threads") }
        let cwd = FileManager.default.currentDirectoryPath
        let directory = out.hasPrefix("/") ? out : (cwd as NSString).appendingPathComponent(out)
        for (path, what) in [(cwd, "the current directory"), (directory, "--out")] where !ShardedJob.isPlainPath(path) {
            throw NeymanError.invalid("\(what) '\(path)' holds a space, quote, '%', '$' or backslash, which job scripts cannot carry "
                                      + "safely; use a plainer path", parameter: "out")
        }
        let runArguments: [String], description: String, resultIsDirectory: Bool
        if let study {
            guard command.isEmpty else { throw NeymanError.invalid("give either --study FILE or -- VERB ARGS..., not both", parameter: "study") }
            if let problem = FileSystemError.readProblem(study) { throw NeymanError.invalid("study file: \(problem)", file: study) }
            let prepared = try StudyRunner.prepare(file: study, context: StudyContext(scale: scale, threads: nil, quiet: true))
            if let reason = StudyRunner.shardRefusal(prepared) {
                throw NeymanError.invalid("a \(prepared.kind) study cannot run in shards: \(reason)", file: study, parameter: "study")
            }
            let count = try StudyRunner.pseudoExperimentCount(prepared)
            guard count >= shards else {
                throw NeymanError.invalid("\(shards) shards for \(count) pseudo-experiments: use at most \(count)", parameter: "shards")
            }
            runArguments = ["study", study, "--scale", scale.rawValue]
            description = "neyman study \(study) --scale \(scale.rawValue)"
            resultIsDirectory = true
        } else {
            guard let verb = command.first else {
                throw NeymanError.invalid("give --study FILE, or the verb to run after --: neyman submit \(scheduler) --shards N -- cls ARGS...",
                                          parameter: "study")
            }
            let args = Array(command.dropFirst())
            if let bad = args.first(where: { a in Self.reserved.contains { a == $0 || a.hasPrefix($0 + "=") } }) {
                throw NeymanError.invalid("'\(bad)' is set by each shard job (neyman submit passes --shard, --out, --threads, --format "
                                          + "and --quiet; give --threads to neyman submit)", parameter: "command")
            }
            let toys: Int
            switch verb {
            case "cls": toys = try Self.toyCount(ClsCommand.self, args, verb) { $0.test.calc }
            case "significance": toys = try Self.toyCount(SignificanceCommand.self, args, verb) { $0.calc }
            case "upper-limit": throw NeymanError.invalid(UpperLimitCommand.shardRefusal, parameter: "command")
            default:
                throw NeymanError.invalid("'\(verb)' does not run pseudo-experiments in shards: give cls or significance (with "
                                          + "--calculator toys), or a study with --study", parameter: "command")
            }
            guard toys >= shards else {
                throw NeymanError.invalid("\(shards) shards for \(toys) toys: use at most \(toys)", parameter: "shards")
            }
            runArguments = command
            description = "neyman " + command.joined(separator: " ")
            resultIsDirectory = false
        }
        return ShardedJob(shards: shards, threads: threads, directory: out, absoluteDirectory: directory, workingDirectory: cwd,
                          executable: ShardedJob.currentExecutable(), runArguments: runArguments, description: description,
                          resultIsDirectory: resultIsDirectory,
                          environment: ShardedJob.exportedVariables.compactMap { name in
                              ProcessInfo.processInfo.environment[name].map { (name, $0) }
                          })
    }

    /// Parses a verb's arguments as the verb would and returns its toy count (its calculator must be `toys`).
    static func toyCount<C: ParsableCommand>(_ type: C.Type, _ args: [String], _ verb: String,
                                             _ calc: (C) -> CalculatorOptions) throws -> Int {
        let parsed: C
        do { parsed = try C.parse(args) } catch {
            throw NeymanError.invalid("the \(verb) command after --: \(C.message(for: error))", parameter: "command")
        }
        let c = calc(parsed)
        guard c.calculator == .toys else {
            throw NeymanError.invalid("shards split pseudo-experiments: give \(verb) --calculator toys", parameter: "command")
        }
        try c.validate()
        return c.toys
    }

    /// Writes `files` (name, text, executable) into the job directory (each atomically) and creates `logs/` and
    /// `shards/` (a batch system does not create the directories of its log files).
    func write(_ job: ShardedJob, _ files: [(name: String, text: String, executable: Bool)]) throws -> [(String, String)] {
        for sub in ["logs", "shards"] {
            try OutputPath.ensureWritableDirectory((job.absoluteDirectory as NSString).appendingPathComponent(sub), for: job.absoluteDirectory)
        }
        return try files.map { f in
            let path = (job.absoluteDirectory as NSString).appendingPathComponent(f.name)
            try AtomicFile.write(f.text, to: path)
            if f.executable { _ = chmod(path, 0o755) }
            return (f.name, path)
        }
    }

    /// Prints what was written (and submitted): JSON keys `scheduler`, `shards`, `directory`, `scripts` (name ->
    /// path), `shard_results` (the directory of the shard files), `result` (the merged result: a JSON file for a
    /// verb, a directory for a study), `submit_command` (how to submit by hand), the job ids (null without
    /// `--submit`), `status`.
    func report(_ job: ShardedJob, scheduler: String, scripts: [(String, String)], submitCommand: String,
                ids: [(String, String?)]) {
        let json: [(String, JSONValue)] = [
            ("scheduler", .string(scheduler)), ("shards", .integer(job.shards)), ("directory", .string(job.absoluteDirectory)),
            ("scripts", .object(scripts.map { ($0.0, .string($0.1)) })), ("shard_results", .string(job.absolute(job.shardDirectory))),
            ("result", .string(job.absolute(job.resultPath))), ("submit_command", .string(submitCommand)),
        ] + ids.map { ($0.0, $0.1.map { JSONValue.string($0) } ?? .null) } + [("status", .string("ok"))]
        output.emit(.object(json)) {
            var lines = ["\(scheduler): \(job.shards) shards of: \(job.description)"]
            lines += scripts.map { "  wrote \($0.1)" }
            let submitted = ids.compactMap { k, v in v.map { "\(k) \($0)" } }
            lines.append(submitted.isEmpty ? "  submit with: \(submitCommand)" : "  submitted: " + submitted.joined(separator: ", "))
            lines.append("  merged result: \(job.absolute(job.resultPath))")
            return lines.joined(separator: "\n")
        }
    }
}

/// Runs a batch-system command (found on `PATH`) in the current directory and returns its standard output.
/// - Throws: ``NeymanError/io(_:_:)`` when the program is missing or fails (its standard error in the message).
func runSchedulerCommand(_ program: String, _ args: [String]) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { ($0 as NSString).appendingPathComponent(program) }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else {
        throw NeymanError.ioError("\(program) is not on PATH (is this a submit host of the batch system?); the scripts are written, "
                                  + "submit them from one")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        let message = String(decoding: e, as: UTF8.self).split(separator: "\n").joined(separator: " ")
        throw NeymanError.ioError("\(program) \(args.joined(separator: " ")) failed (exit \(p.terminationStatus)): \(message)")
    }
    return String(decoding: o, as: UTF8.self)
}
