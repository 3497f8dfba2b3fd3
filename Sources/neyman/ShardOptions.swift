import ArgumentParser
import Foundation
import NeymanCore
import NeymanAnalysis

/// `--shard K/N` and `--out DIR` of the verbs that run pseudo-experiments (`cls` and `significance` with
/// `--calculator toys`): run only shard `K` of `N` (0-based, contiguous blocks of toy indices, ``ShardSelection``)
/// and write its raw numbers to `DIR/shard-K-of-N.json` (``ShardFile``) instead of printing the result;
/// `neyman merge` joins the shards into the unsharded run's output.
struct ShardOptions: ParsableArguments {
    @Option(help: "Run only shard K of N of the pseudo-experiments (0-based: 0/4 ... 3/4; --calculator toys) and write its raw numbers to --out DIR; join the shards with neyman merge.")
    var shard: String?

    @Option(help: "With --shard: the directory the shard result goes to (DIR/shard-K-of-N.json, written atomically).")
    var out: String?

    func validate() throws {
        if out != nil && shard == nil {
            throw NeymanError.invalid("--out is where a shard result goes: give it with --shard K/N", parameter: "out")
        }
    }

    /// The shard to run, or nil for the whole run. Checks that `--out` is given and that the calculator runs toys.
    func selection(calculator: Calculator) throws -> ShardSelection? {
        guard let shard else { return nil }
        let s = try ShardSelection(parsing: shard)
        guard calculator == .toys else {
            throw NeymanError.invalid("--shard splits pseudo-experiments, and the asymptotic calculator runs none: add --calculator toys",
                                      parameter: "shard")
        }
        guard out != nil else { throw NeymanError.invalid("give --out DIR: where the shard result goes", parameter: "out") }
        return s
    }

    /// Writes `file` atomically to `DIR/shard-K-of-N.json` (refusing a path that is one of `inputs`) and prints what
    /// was written: JSON keys `shard` ("K/N"), `file`, `toys` (the whole run's), `toy_range` ([first, end)),
    /// `seed`, `hash`, `status`.
    func write(_ file: ShardFile, inputs: [(path: String, option: String)], output: OutputOptions) throws {
        try Self.write(file, directory: out ?? ".", inputs: inputs, output: output)
    }

    /// ``write(_:inputs:output:)`` into `directory`.
    static func write(_ file: ShardFile, directory: String, inputs: [(path: String, option: String)], output: OutputOptions) throws {
        let path = (directory as NSString).appendingPathComponent(file.shard.fileName)
        try OutputPath.check(path, option: "out", inputs: inputs)
        try file.write(to: path)
        let r = file.toyRange
        try output.report([("shard", .string(file.shard.description)), ("file", .string(path)), ("toys", .integer(file.toys)),
                           ("toy_range", .array([.integer(r.lowerBound), .integer(r.upperBound)])), ("seed", .unsigned(file.seed)),
                           ("hash", .string(file.hash))], failure: nil) {
            "shard \(file.shard): pseudo-experiments \(r.lowerBound) ..< \(r.upperBound) of \(file.toys) -> \(path)"
        }
    }
}

/// A verb whose toys can run in shards: how it names itself in a shard file, and how `neyman merge` prints its
/// output from the joined shards (with the same code as its unsharded run).
protocol ShardableVerb: ParsableCommand {
    /// Prints the verb's output (`--format` of `output`) from the joined shards of a run.
    static func merge(_ merged: ShardMerge.Merged, output: OutputOptions) throws
}

extension ShardableVerb {
    /// The verb as its shards recorded it (`command` without the verb's name), parsed again with `output`'s
    /// `--format` and `--quiet`.
    static func reparse(_ merged: ShardMerge.Merged, output: OutputOptions) throws -> Self {
        let args = Array(merged.reference.command.dropFirst()) + ["--format", output.format.rawValue] + (output.quiet ? ["--quiet"] : [])
        do { return try Self.parse(args) } catch {
            throw NeymanError.invalid("its command cannot be parsed: \(Self.message(for: error))", file: merged.paths.first, key: "command")
        }
    }
}

/// The canonical form of a verb's options (what a shard records, and what its hash covers).
///
/// `arguments` are `--option value` pairs in a fixed order, from the parsed values (so `--toys=300` and `--toys 300`
/// give the same); files are hashed by content, not by name (``ShardFingerprint``).
struct VerbIdentity {
    var arguments: [(String, String)] = []
    /// Options whose value is a path: their files' bytes go into the hash instead of the path.
    var files: [(option: String, path: String)] = []

    mutating func add(_ option: String, _ value: String?) {
        if let value { arguments.append((option, value)) }
    }

    /// The verb and its arguments, as stored in the shard file.
    func command(verb: String) -> [String] { [verb] + arguments.flatMap { ["--\($0.0)", $0.1] } }

    /// SHA-256 of the verb, the arguments (paths left out) and the content of every file in ``files`` (a directory,
    /// such as a network ensemble's, by every regular file in it, in the order of their relative paths).
    func hash(verb: String) throws -> String {
        var f = ShardFingerprint()
        f.add("verb", verb)
        let paths = Set(files.map(\.option))
        for (option, value) in arguments where !paths.contains(option) { f.add(option, value) }
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                try f.addFile("file:" + file.option, path: file.path)
                continue
            }
            let members = (FileManager.default.enumerator(atPath: file.path)?.allObjects as? [String] ?? []).sorted()
            for relative in members {
                let path = (file.path as NSString).appendingPathComponent(relative)
                var memberIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &memberIsDirectory), !memberIsDirectory.boolValue {
                    try f.addFile("file:" + file.option + "/" + relative, path: path)
                }
            }
        }
        return f.finalize()
    }
}

extension ModelOptions {
    /// The model options in canonical form; with an unbinned `analysis`, its files (the `[model]` file and every
    /// events, network and calibration file it names) are hashed by content.
    func identity(_ analysis: UnbinnedAnalysis? = nil) -> VerbIdentity {
        var id = VerbIdentity()
        id.add("n", observed)
        id.add("s", signal)
        id.add("b", background)
        id.add("b-uncertainty", backgroundUncertainty)
        id.add("constraint", constraint.rawValue)
        id.add("mu-bounds", muBounds)
        id.add("workspace", workspace)
        id.add("measurement", measurement)
        id.add("model", model)
        id.add("profile-gammas", profileGammas?.rawValue)
        if let workspace { id.files.append(("workspace", workspace)) }
        if let model { id.files.append(("model", model)) }
        if let spec = analysis?.spec {
            id.files += [("model.data", spec.data.file), ("model.signal", spec.signal.file), ("model.background", spec.background.file)]
            if case .network(let path) = spec.ratio.source { id.files.append(("model.ratio.network", path)) }
            if let c = spec.ratio.calibration { id.files.append(("model.ratio.calibration", c.file)) }
            if let v = spec.shape?.variation { id.files += [("model.shape.up", v.up.file), ("model.shape.down", v.down.file)] }
        }
        return id
    }

    /// The files a shard must not be written over: the workspace or model file.
    var inputFiles: [(path: String, option: String)] {
        [(workspace, "workspace"), (model, "model")].compactMap { p, o in p.map { ($0, o) } }
    }
}

extension CalculatorOptions {
    /// `--calculator`, `--toys`, `--seed` in canonical form (never `--threads`: results do not depend on it).
    func addIdentity(to id: inout VerbIdentity) {
        id.add("calculator", calculator.rawValue)
        id.add("toys", String(toys))
        id.add("seed", String(seed))
    }
}
