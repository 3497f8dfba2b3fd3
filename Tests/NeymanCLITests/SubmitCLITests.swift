import Foundation
import Testing

/// `neyman submit slurm|condor`: the text of the job scripts (no scheduler is needed to write them; `make test-slurm`
/// runs them on a real Slurm), and the runs it refuses.
@Suite("neyman submit")
struct SubmitCLITests {
    static let cls = ["cls", "--n", "51,48", "--s", "12,11", "--b", "50,52", "--calculator", "toys", "--toys", "400", "--seed", "7"]

    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-submit-\(getpid())-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func read(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func slurmArrayAndDependentMerge() throws {
        let dir = try Self.tempDir("slurm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let jobs = dir.appendingPathComponent("jobs")
        let r = try CLI.run(["submit", "slurm", "--shards", "4", "--partition", "short", "--time", "30:00", "--threads", "2",
                             "--out", jobs.path, "--format", "json", "--"] + Self.cls)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(r.json)
        #expect(j["scheduler"] as? String == "slurm" && j["shards"] as? Int == 4 && j["status"] as? String == "ok")
        #expect(j["array_job_id"] is NSNull && j["merge_job_id"] is NSNull)
        #expect(j["result"] as? String == jobs.appendingPathComponent("result.json").path)
        #expect((j["scripts"] as? [String: String])?.keys.sorted() == ["merge.sbatch", "shards.sbatch", "submit.sh"])
        let shards = try Self.read(jobs, "shards.sbatch")
        let lines = shards.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        for line in ["#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time=30:00",
                     "#SBATCH --output=\(jobs.path)/logs/shard-%a.out", "set -euo pipefail"] {
            #expect(lines.contains(line), "missing \(line)")
        }
        // Every #SBATCH line comes before the first command (sbatch stops reading them there).
        let firstCommand = try #require(lines.firstIndex { !$0.hasPrefix("#") })
        #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }.map { $0 < firstCommand } == true)
        let exec = try #require(lines.last)
        #expect(exec.hasPrefix("exec '/") && exec.contains("'cls' '--n' '51,48'"))
        #expect(exec.contains("'--shard' \"${SLURM_ARRAY_TASK_ID}\"'/4' '--out' '\(jobs.path)/shards' '--threads' '2' '--quiet'"))
        let merge = try Self.read(jobs, "merge.sbatch")
        #expect(!merge.contains("--array") && merge.contains("#SBATCH --job-name=neyman-merge"))
        #expect((0..<4).allSatisfy { merge.contains("'\(jobs.path)/shards/shard-\($0)-of-4.json'") })
        #expect(merge.contains("> '\(jobs.path)/result.json.partial' || status=$?"))
        let submit = try Self.read(jobs, "submit.sh")
        #expect(submit.contains("array=$(sbatch --parsable '\(jobs.path)/shards.sbatch')"))
        #expect(submit.contains("--dependency=afterok:\"$array\" --kill-on-invalid-dep=yes '\(jobs.path)/merge.sbatch'"))
        for sub in ["logs", "shards"] {
            var isDir: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: jobs.appendingPathComponent(sub).path, isDirectory: &isDir) && isDir.boolValue)
        }
    }

    @Test func condorQueueAndDAG() throws {
        let dir = try Self.tempDir("condor")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("power.toml")
        try ShardCLITests.powerStudy.write(to: study, atomically: true, encoding: .utf8)
        let jobs = dir.appendingPathComponent("jobs")
        let r = try CLI.run(["submit", "condor", "--study", study.path, "--shards", "3", "--out", jobs.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["dag_cluster_id"] is NSNull && r.json?["result"] as? String == jobs.appendingPathComponent("result").path)
        let shards = try Self.read(jobs, "shards.sub").split(separator: "\n").map(String.init)
        #expect(shards.contains("queue 3") && shards.contains("universe = vanilla") && shards.contains("should_transfer_files = NO"))
        let args = try #require(shards.first { $0.hasPrefix("arguments = ") })
        #expect(args == "arguments = \"'study' '\(study.path)' '--scale' 'quick' '--shard' '$(Process)/3' '--out' '\(jobs.path)/shards' "
                + "'--threads' '1' '--quiet' '--format' 'json'\"")
        #expect(shards.contains("output = \(jobs.path)/logs/shard-$(Process).out"))
        let merge = try Self.read(jobs, "merge.sub")
        #expect(merge.contains("'merge' '\(jobs.path)/shards/shard-0-of-3.json' '\(jobs.path)/shards/shard-1-of-3.json' "
                               + "'\(jobs.path)/shards/shard-2-of-3.json' '--out' '\(jobs.path)/result'"))
        #expect(merge.hasSuffix("queue\n"))
        #expect(try Self.read(jobs, "neyman.dag") == """
            # Written by neyman submit condor: the shards, then their merge.
            JOB shards \(jobs.path)/shards.sub
            JOB merge \(jobs.path)/merge.sub
            PARENT shards CHILD merge

            """)
        // Where HTCondor is installed, its own parser checks the description.
        if let condor = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map({ "\($0)/condor_submit" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let dry = try CLI.run(program: URL(fileURLWithPath: condor), ["-dry-run", "-", jobs.appendingPathComponent("shards.sub").path])
            #expect(dry.status == 0, "\(dry.stderr)")
        }
    }

    @Test(arguments: [
        (["slurm", "--shards", "2", "--", "upper-limit", "--n", "5", "--s", "1", "--b", "5", "--calculator", "toys"], "next mu"),
        (["slurm", "--shards", "2", "--", "cls", "--n", "5", "--s", "1", "--b", "5"], "--calculator toys"),
        (["slurm", "--shards", "2", "--", "fit", "--n", "5", "--s", "1", "--b", "5"], "does not run pseudo-experiments"),
        (["slurm", "--shards", "0", "--"] + cls, "shards"),
        (["slurm", "--shards", "500", "--"] + cls, "at most 400"),
        (["condor", "--shards", "2", "--"] + cls + ["--threads", "2"], "--threads"),
        (["condor", "--shards", "2"], "--study"),
        (["slurm", "--shards", "2", "--partition", "a b", "--"] + cls, "partition"),
    ])
    func refused(args: [String], mentions: String) throws {
        let dir = try Self.tempDir("refused")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["submit"] + args.prefix(1) + ["--out", dir.appendingPathComponent("jobs").path] + args.dropFirst())
        #expect(r.status == 2 && r.stderr.contains(mentions), "\(args): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("jobs").path))
    }
}
