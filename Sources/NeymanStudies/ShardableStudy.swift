import Foundation
import NeymanCore

/// A study whose work is a set of independent pseudo-experiments, so that it can run in shards
/// (`neyman study FILE --shard K/N --out DIR`, each shard on its own machine) and be merged (`neyman merge`) into
/// exactly the outputs of the unsharded run.
///
/// The study splits its `run` in two:
/// ```
///   run(seed) = finish(runPseudoExperiments(0 ..< count, seed), seed)          (the unsharded run, this extension)
///   shard K   = runPseudoExperiments(ShardSelection(K, N).range(of: count), seed)
///   merge     = finish(shard 0 ++ shard 1 ++ ... ++ shard N-1, seed)           (columns joined in index order)
/// ```
/// Everything the final numbers, tables and report need from before the pseudo-experiments (a trained network's
/// epoch count, say) goes into ``ShardPayload/common``; every shard computes it again (deterministically: the same
/// seed gives the same network), and `neyman merge` checks that all shards agree on it bit for bit. `finish` sees
/// only the payload, so the unsharded run and the merge share one aggregation and cannot drift apart.
///
/// Conformers must keep pseudo-experiment `i`'s numbers a function of `(seed, i)` and of the common part alone (no
/// batch that mixes events of several pseudo-experiments in a way that depends on which ones run together).
public protocol ShardableStudy: Study {
    /// The number of pseudo-experiments: the unit shards split.
    var pseudoExperimentCount: Int { get }

    /// Runs what every shard needs first and then the pseudo-experiments `indices`; returns their raw numbers
    /// (one value per pseudo-experiment in each column, in index order) and the common values.
    func runPseudoExperiments(_ indices: Range<Int>, seed: UInt64, context: StudyContext) throws -> ShardPayload

    /// The study's results, tables and report from the payload of all pseudo-experiments (columns in index order).
    /// Columns and common values are found by name.
    func finish(_ payload: ShardPayload, seed: UInt64, context: StudyContext) throws -> StudyResult
}

extension ShardableStudy {
    /// The unsharded run: every pseudo-experiment, then ``finish(_:seed:context:)``.
    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        try finish(runPseudoExperiments(0..<pseudoExperimentCount, seed: seed, context: context), seed: seed, context: context)
    }
}

extension StudyRunner {
    /// Why studies of each kind that is not a ``ShardableStudy`` cannot run in shards (the `--shard` refusal names it).
    static let shardRefusals: [String: String] = [
        "bumphunt-limits": "its toy-based upper limits come from a sequential search (each next mu is chosen from the CLs of all "
            + "toys at the previous ones), so no shard can run its share alone; shard `neyman cls --calculator toys` at fixed "
            + "values of mu instead",
        "learned-ratio": "its work is two network trainings and their evaluation, not pseudo-experiments",
        "parameterized-network": "its work is network training and fits to large simulated samples, not pseudo-experiments",
        "disco": "its work is one network training per lambda, not pseudo-experiments",
        "cwola": "its work is network trainings (one per toy model and signal-fraction pair), not pseudo-experiments",
        "muon-samples": "it generates and compares muon samples; it runs no pseudo-experiments",
        "muon-isolation": "its guided search is sequential (each step's candidates depend on the networks trained at the step "
            + "before) and its networks are k-fold trainings, not pseudo-experiments",
        "muon-data": "its work is k-fold network trainings on one sample, not pseudo-experiments",
        "classifier-reweighting": "its work is reweighting trainings and closure tests on simulated samples, not pseudo-experiments",
    ]

    /// Nil when `prepared` can run in shards; otherwise why not.
    public static func shardRefusal(_ prepared: PreparedStudy) -> String? {
        if prepared.study is any ShardableStudy { return nil }
        return shardRefusals[prepared.kind]
            ?? "studies of kind '\(prepared.kind)' do not run their work as independent pseudo-experiments (ShardableStudy)"
    }

    /// The number of pseudo-experiments of a study that can run in shards.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` with the reason when it cannot.
    public static func pseudoExperimentCount(_ prepared: PreparedStudy) throws -> Int {
        guard let study = prepared.study as? any ShardableStudy else {
            throw NeymanError.invalid("a \(prepared.kind) study cannot run in shards: \(shardRefusal(prepared) ?? "")", file: prepared.file)
        }
        return study.pseudoExperimentCount
    }

    /// The hash of everything that decides a study's numbers: the study file's text and the scale (never the
    /// threads, the shard or the output directory).
    public static func shardHash(_ prepared: PreparedStudy, scale: StudyScale) -> String { shardHash(text: prepared.text, scale: scale) }

    /// ``shardHash(_:scale:)`` of a study file's text.
    static func shardHash(text: String, scale: StudyScale) -> String {
        var f = ShardFingerprint()
        f.add("what", "study")
        f.add("study_file", text)
        f.add("scale", scale.rawValue)
        return f.finalize()
    }

    /// Runs shard `shard` of a prepared study: its share of the pseudo-experiments, with provenance.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the file when the study cannot be sharded (with the reason)
    ///   or has fewer pseudo-experiments than shards.
    public static func runShard(_ prepared: PreparedStudy, shard: ShardSelection, context: StudyContext) throws -> ShardFile {
        guard let study = prepared.study as? any ShardableStudy else {
            throw NeymanError.invalid("a \(prepared.kind) study cannot run in shards: \(shardRefusal(prepared) ?? "")",
                                      file: prepared.file, parameter: "shard")
        }
        let count = study.pseudoExperimentCount
        guard count >= shard.count else {
            throw NeymanError.invalid("\(shard.count) shards for \(count) pseudo-experiments: use at most \(count) shards",
                                      file: prepared.file, parameter: "shard")
        }
        let indices = shard.range(of: count)
        context.log("\(prepared.name): \(prepared.kind) at scale \(context.scale.rawValue), shard \(shard): pseudo-experiments "
                    + "\(indices.lowerBound) ..< \(indices.upperBound) of \(count)")
        let payload = try study.runPseudoExperiments(indices, seed: prepared.seed, context: context)
        return ShardFile(command: ["study", prepared.file, "--scale", context.scale.rawValue], studyText: prepared.text,
                         hash: shardHash(prepared, scale: context.scale), seed: prepared.seed, shard: shard, toys: count,
                         payload: payload)
    }

    /// The study a shard file was cut from, parsed from the text it carries (the file need not exist any more), at
    /// the shard's scale; its `file` is the path the shard recorded, so the merged report names it as the unsharded
    /// run's does.
    public static func prepare(shard: ShardFile, quiet: Bool) throws -> (PreparedStudy, StudyContext) {
        guard shard.command.count == 4, shard.command[0] == "study", shard.command[2] == "--scale",
              let scale = StudyScale(rawValue: shard.command[3]), let text = shard.studyText else {
            throw NeymanError.invalid("not a study shard (command \(shard.command))", key: "command")
        }
        guard shardHash(text: text, scale: scale) == shard.hash else {
            throw NeymanError.invalid("the study file it carries does not give its hash (edited by hand?)", key: "hash")
        }
        let context = StudyContext(scale: scale, threads: nil, quiet: quiet)
        return (try prepare(text: text, file: shard.command[1], context: context), context)
    }

    /// The merged outputs: `finish` on the joined payload, with the header and provenance of ``run(_:context:)``.
    public static func finish(_ prepared: PreparedStudy, payload: ShardPayload, context: StudyContext) throws -> StudyOutput {
        guard let study = prepared.study as? any ShardableStudy else {
            throw NeymanError.invalid("a \(prepared.kind) study cannot run in shards", file: prepared.file)
        }
        return assemble(prepared, try study.finish(payload, seed: prepared.seed, context: context), context: context)
    }
}
