import ArgumentParser
import Foundation
import NeymanCore
import NeymanStudies

/// `neyman merge`: joins the shard results of one run (`--shard K/N`) into exactly the output of the unsharded run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard results of one run (--shard K/N) into the output of the unsharded run.",
        discussion: """
        The shards must belong together: the same Neyman version, command, seed, number of shards N, number of
        pseudo-experiments and hash (of the inputs and options that decide the numbers), every K from 0 to N-1 given
        exactly once, and the same values computed before the pseudo-experiments (e.g. the observed test statistic).
        Otherwise the exit status is 2 and the message names the shard file at fault (or the missing shard).
        For cls and significance the output is what the unsharded command prints, byte for byte, in --format text or
        json (and the same exit status). For a study, --out DIR receives what neyman study --out DIR writes
        (results.json, CSV tables, report.html), and the printed summary is neyman study's.
        Example: neyman merge shards/shard-*.json --format json
        """
    )

    @Argument(help: "The shard files (shard-K-of-N.json), in any order.")
    var shards: [String] = []

    @Option(help: "For a study's shards: the output directory (as neyman study --out).")
    var out: String?

    @OptionGroup var output: OutputOptions

    /// The verbs whose shards this command merges, by the name a shard records.
    static let verbs: [String: any ShardableVerb.Type] = ["cls": ClsCommand.self, "significance": SignificanceCommand.self]

    func run() throws {
        guard !shards.isEmpty else {
            throw NeymanError.invalid("give the shard files to merge (DIR/shard-K-of-N.json)", parameter: "shards")
        }
        let files = try shards.map { ($0, try ShardFile.read(path: $0)) }
        let merged = try ShardMerge.merge(files)
        let what = merged.reference.command[0]
        if what == "study" {
            guard let out else { throw NeymanError.invalid("these are a study's shards: give --out DIR for its results", parameter: "out") }
            let prepared: StudyRunner.PreparedStudy, context: StudyContext
            do { (prepared, context) = try StudyRunner.prepare(shard: merged.reference, quiet: output.quiet) } catch let e as NeymanError {
                throw merged.paths.first.map { e.inFile($0) } ?? e
            }
            // The output directory replaces whatever is at --out: it must not hold the shards being merged.
            let outDir = OutputPath.resolved(out) + "/"
            if let inside = merged.paths.first(where: { OutputPath.resolved($0).hasPrefix(outDir) }) {
                throw NeymanError.invalid("--out '\(out)' holds the shard '\(inside)': writing it would delete the shards; give another directory",
                                          parameter: "out")
            }
            try StudyCommand.write([prepared], files: [prepared.file], out: out, scale: context.scale, output: output) {
                try StudyRunner.finish($0, payload: merged.payload, context: context)
            }
            return
        }
        guard let verb = Self.verbs[what] else {
            throw NeymanError.invalid("shards of '\(what)' cannot be merged (known: \(Self.verbs.keys.sorted().joined(separator: ", ")), study)",
                                      file: merged.paths.first, key: "command")
        }
        guard out == nil else {
            throw NeymanError.invalid("--out is for a study's shards; \(what) prints its result (redirect it)", parameter: "out")
        }
        try verb.merge(merged, output: output)
    }
}
