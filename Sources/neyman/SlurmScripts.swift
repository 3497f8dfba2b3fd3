import ArgumentParser
import Foundation
import NeymanCore

/// `neyman submit slurm`: a job array of the shards and a merge job that runs after all of them succeeded.
struct SubmitSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Slurm: a job array (one task per shard) and a merge job depending on it (afterok).",
        discussion: """
        Writes DIR/shards.sbatch (#SBATCH --array=0-(N-1); task K runs shard $SLURM_ARRAY_TASK_ID/N), DIR/merge.sbatch
        and DIR/submit.sh (sbatch --parsable the array, then the merge with --dependency=afterok:<array id>).
        With --submit, runs those two sbatch calls itself. JSON keys: scheduler, shards, directory, scripts
        (shards.sbatch, merge.sbatch, submit.sh -> paths), shard_results, result, submit_command, array_job_id,
        merge_job_id (strings; null without --submit), status.
        Example: neyman submit slurm --shards 4 --partition short --time 30:00 -- cls --n 51,48 --s 12,11 --b 50,52 --calculator toys --toys 100000
        """
    )

    @OptionGroup var options: SubmitOptions

    @Option(help: "The partition (#SBATCH --partition) of every job.")
    var partition: String?

    @Option(help: "The time limit of every job (#SBATCH --time, e.g. 30:00 or 1-00:00:00).")
    var time: String?

    func run() throws {
        for (name, value) in [("partition", partition), ("time", time)] {
            if let value, !ShardedJob.isPlainPath(value) || value.contains("/") {
                throw NeymanError.invalid("'\(value)' is not a Slurm \(name)", parameter: name)
            }
        }
        let job = try options.plan(scheduler: "slurm")
        let scripts = SlurmScripts(job: job, partition: partition, time: time)
        let written = try options.write(job, [("shards.sbatch", scripts.shardScript, false), ("merge.sbatch", scripts.mergeScript, false),
                                              ("submit.sh", scripts.submitScript, true)])
        var ids: [(String, String?)] = [("array_job_id", nil), ("merge_job_id", nil)]
        if options.submit {
            let array = try Self.jobID(runSchedulerCommand("sbatch", ["--parsable", scripts.path("shards.sbatch")]))
            let merge = try Self.jobID(runSchedulerCommand("sbatch", ["--parsable", "--dependency=afterok:\(array)", "--kill-on-invalid-dep=yes",
                                                                      scripts.path("merge.sbatch")]))
            ids = [("array_job_id", array), ("merge_job_id", merge)]
        }
        options.report(job, scheduler: "slurm", scripts: written, submitCommand: "bash " + scripts.path("submit.sh"), ids: ids)
    }

    /// The job id `sbatch --parsable` prints (`ID` or `ID;CLUSTER`).
    static func jobID(_ output: String) throws -> String {
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw NeymanError.ioError("sbatch --parsable printed '\(output)', not a job id")
        }
        return id
    }
}

/// The text of the Slurm scripts of a ``ShardedJob``.
struct SlurmScripts {
    let job: ShardedJob
    let partition: String?
    let time: String?

    /// A file of the job directory, absolute.
    func path(_ name: String) -> String { (job.absoluteDirectory as NSString).appendingPathComponent(name) }

    /// `#SBATCH` lines every job shares, then the start of its body (strict mode, the working directory, the
    /// exported variables).
    private func header(name: String, log: String, array: Bool, strict: String) -> [String] {
        var lines = ["#SBATCH --job-name=\(name)"]
        if array { lines.append("#SBATCH --array=0-\(job.shards - 1)") }
        lines += ["#SBATCH --ntasks=1", "#SBATCH --cpus-per-task=\(array ? job.threads : 1)",
                  "#SBATCH --chdir=\(job.workingDirectory)",
                  "#SBATCH --output=\((job.logDirectory as NSString).appendingPathComponent(log + ".out"))",
                  "#SBATCH --error=\((job.logDirectory as NSString).appendingPathComponent(log + ".err"))"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += [strict, "cd " + ShardedJob.shellWord(job.workingDirectory, index: "")]
        lines += job.environment.map { "export \($0.0)=" + ShardedJob.shellWord($0.1, index: "") }
        return lines
    }

    private func command(_ args: [String]) -> String {
        ([job.executable] + args).map { ShardedJob.shellWord($0, index: "SLURM_ARRAY_TASK_ID") }.joined(separator: " ")
    }

    /// The job array: task `K` runs shard `K/N` into `DIR/shards/`.
    var shardScript: String {
        (["#!/bin/bash",
          "# Written by neyman submit slurm: \(job.shards) shards of",
          "#   \(job.description)",
          "# Array task K (0-based, $SLURM_ARRAY_TASK_ID) runs shard K/\(job.shards) into \(job.shardDirectory)/; merge.sbatch joins them."]
            + header(name: "neyman-shards", log: "shard-%a", array: true, strict: "set -euo pipefail")
            + ["exec " + command(job.shardArguments)]).joined(separator: "\n") + "\n"
    }

    /// The merge job: `neyman merge` of every shard file into `DIR/result.json` (a verb: the JSON it prints, kept
    /// even when the result is a numerical failure, exit status 1) or `DIR/result/` (a study).
    var mergeScript: String {
        var lines = ["#!/bin/bash",
                     "# Written by neyman submit slurm: merges the \(job.shards) shards of",
                     "#   \(job.description)",
                     "# into \(job.resultPath). Submit it with --dependency=afterok:<array job id> (submit.sh does)."]
        if job.resultIsDirectory {
            lines += header(name: "neyman-merge", log: "merge", array: false, strict: "set -euo pipefail") + ["exec " + command(job.mergeArguments)]
        } else {
            let partial = ShardedJob.shellWord(job.resultPath + ".partial", index: "")
            lines += header(name: "neyman-merge", log: "merge", array: false, strict: "set -uo pipefail")
                + ["status=0", command(job.mergeArguments) + " > \(partial) || status=$?",
                   "mv -f \(partial) " + ShardedJob.shellWord(job.resultPath, index: ""), "exit \"$status\""]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Submits the array, then the merge to run once every array task has succeeded.
    var submitScript: String {
        ["#!/bin/bash",
         "# Written by neyman submit slurm: submits the shard array, then the merge job (afterok: it runs only if every shard",
         "# succeeded, and is cancelled otherwise).",
         "set -euo pipefail",
         "array=$(sbatch --parsable " + ShardedJob.shellWord(path("shards.sbatch"), index: "") + ")",
         "array=${array%%;*}",
         "merge=$(sbatch --parsable --dependency=afterok:\"$array\" --kill-on-invalid-dep=yes "
            + ShardedJob.shellWord(path("merge.sbatch"), index: "") + ")",
         "merge=${merge%%;*}",
         "echo \"array job $array, merge job $merge; result: " + job.absolute(job.resultPath) + "\""].joined(separator: "\n") + "\n"
    }
}
