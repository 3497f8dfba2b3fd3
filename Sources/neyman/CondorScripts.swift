import ArgumentParser
import Foundation
import NeymanCore

/// `neyman submit condor`: an HTCondor submit description queuing one job per shard, a merge job, and a DAG in which
/// the merge is the child of the shards.
struct SubmitCondorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "condor",
        abstract: "HTCondor: a submit description (queue N, shard $(Process)/N), a merge job and a DAG running the merge after them.",
        discussion: """
        Writes DIR/shards.sub (queue N; job $(Process) runs shard $(Process)/N), DIR/merge.sub and DIR/neyman.dag
        (JOB shards, JOB merge, PARENT shards CHILD merge). The jobs assume a shared file system
        (should_transfer_files = NO) and run in the current directory. With --submit, runs condor_submit_dag.
        JSON keys: scheduler, shards, directory, scripts (shards.sub, merge.sub, neyman.dag -> paths), shard_results,
        result, submit_command, dag_cluster_id (string; null without --submit), status.
        """
    )

    @OptionGroup var options: SubmitOptions

    func run() throws {
        let job = try options.plan(scheduler: "condor")
        let scripts = CondorScripts(job: job)
        let dag = (job.absoluteDirectory as NSString).appendingPathComponent("neyman.dag")
        let written = try options.write(job, [("shards.sub", scripts.shardDescription, false), ("merge.sub", scripts.mergeDescription, false),
                                              ("neyman.dag", scripts.dag, false)])
        var cluster: String? = nil
        if options.submit {
            let out = try runSchedulerCommand("condor_submit_dag", [dag])
            // "1 job(s) submitted to cluster 123."
            guard let r = out.range(of: #"cluster [0-9]+"#, options: .regularExpression) else {
                throw NeymanError.ioError("condor_submit_dag printed no cluster id: \(out)")
            }
            cluster = String(out[r].dropFirst("cluster ".count))
        }
        options.report(job, scheduler: "condor", scripts: written, submitCommand: "condor_submit_dag \(dag)",
                       ids: [("dag_cluster_id", cluster)])
    }
}

/// The text of the HTCondor files of a ``ShardedJob``.
struct CondorScripts {
    let job: ShardedJob

    /// `args` as the value of a submit description's `arguments` (the "new syntax": the whole list in double
    /// quotes, each argument in single quotes, a single quote written `''` and a double quote `""`), with
    /// ``ShardedJob/indexPlaceholder`` replaced by the `$(Process)` macro.
    static func arguments(_ args: [String]) -> String {
        "\"" + args.map { a in
            "'" + a.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\"", with: "\"\"")
                .replacingOccurrences(of: ShardedJob.indexPlaceholder, with: "$(Process)") + "'"
        }.joined(separator: " ") + "\""
    }

    /// The lines both descriptions share.
    private func common(log: String, output: String, cpus: Int) -> [String] {
        var lines = ["universe = vanilla", "executable = \(job.executable)", "initialdir = \(job.workingDirectory)",
                     "output = \(output)", "error = \((job.logDirectory as NSString).appendingPathComponent(log + ".err"))",
                     "log = \((job.logDirectory as NSString).appendingPathComponent("condor.log"))",
                     "request_cpus = \(cpus)", "should_transfer_files = NO"]
        if !job.environment.isEmpty {
            lines.append("environment = \"" + job.environment.map { "\($0.0)='\($0.1)'" }.joined(separator: " ") + "\"")
        }
        return lines
    }

    /// `queue N` jobs; job `$(Process)` runs shard `$(Process)/N`.
    var shardDescription: String {
        (["# Written by neyman submit condor: \(job.shards) shards of",
          "#   \(job.description)",
          "# Job $(Process) (0-based) runs shard $(Process)/\(job.shards) into \(job.shardDirectory)/; merge.sub joins them",
          "# (condor_submit_dag neyman.dag runs both in order)."]
            + common(log: "shard-$(Process)", output: (job.logDirectory as NSString).appendingPathComponent("shard-$(Process).out"),
                     cpus: job.threads)
            + ["arguments = " + Self.arguments(job.shardArguments), "queue \(job.shards)"]).joined(separator: "\n") + "\n"
    }

    /// One merge job; a verb's merged JSON is its standard output, `DIR/result.json`.
    var mergeDescription: String {
        let output = job.resultIsDirectory ? (job.logDirectory as NSString).appendingPathComponent("merge.out") : job.absolute(job.resultPath)
        return (["# Written by neyman submit condor: merges the \(job.shards) shards of",
                 "#   \(job.description)",
                 "# into \(job.resultPath) (the DAG runs it after every shard job succeeded)."]
            + common(log: "merge", output: output, cpus: 1)
            + ["arguments = " + Self.arguments(job.mergeArguments), "queue"]).joined(separator: "\n") + "\n"
    }

    /// The DAG: the merge node is the child of the shard node.
    var dag: String {
        ["# Written by neyman submit condor: the shards, then their merge.",
         "JOB shards \((job.absoluteDirectory as NSString).appendingPathComponent("shards.sub"))",
         "JOB merge \((job.absoluteDirectory as NSString).appendingPathComponent("merge.sub"))",
         "PARENT shards CHILD merge"].joined(separator: "\n") + "\n"
    }
}
