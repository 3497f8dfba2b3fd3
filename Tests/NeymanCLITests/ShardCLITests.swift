import Foundation
import Testing

/// `--shard K/N` and `neyman merge`: the shards of a run, each with its own thread count, merge into exactly what the
/// unsharded run prints or writes (byte for byte); shards that do not belong together, and runs that cannot be
/// sharded, are refused with exit status 2 and a message naming the file or the reason.
@Suite("Shards and neyman merge")
struct ShardCLITests {
    static let model = ["--n", "51,48", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7"]
    /// The reports state when they were written; one fixed date makes them comparable (HTMLReport).
    static let date = ["SOURCE_DATE_EPOCH": "1700000000"]

    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-shard-\(getpid())-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `args + [--shard k/n --out dir --threads t]` for every shard (threads cycling through `threads`) and
    /// returns the shard files in order.
    static func shards(_ args: [String], n: Int, threads: [Int], into dir: URL, environment: [String: String] = [:]) throws -> [String] {
        try (0..<n).map { k in
            let r = try CLI.run(args + ["--shard", "\(k)/\(n)", "--out", dir.path, "--threads", "\(threads[k % threads.count])", "--quiet",
                                        "--format", "json"], environment: environment)
            #expect(r.status == 0, "shard \(k)/\(n): \(r.stderr)")
            let file = try #require(r.json?["file"] as? String)
            #expect(r.json?["shard"] as? String == "\(k)/\(n)" && r.json?["status"] as? String == "ok")
            return file
        }
    }

    /// A verb's run, unsharded and in 2 and 3 shards: `merge` prints the same bytes, in JSON and in text.
    func verbMergesToTheUnshardedOutput(_ args: [String], name: String, status: Int32 = 0) throws {
        let dir = try Self.tempDir(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = try CLI.run(args + ["--format", "json"]), text = try CLI.run(args)
        #expect(json.status == status && text.status == status, "\(json.stderr)")
        #expect((json.json?["status"] as? String == "ok") == (status == 0))
        for (n, threads) in [(2, [1, 2]), (3, [2, 1])] {
            let files = try Self.shards(args, n: n, threads: threads, into: dir.appendingPathComponent("n\(n)"))
            #expect(files.count == n)
            let merged = try CLI.run(["merge"] + files.reversed() + ["--format", "json"])
            #expect(merged.status == status, "\(merged.stderr)")
            if status != 0 { #expect(merged.stderr == json.stderr) }
            #expect(merged.stdout == json.stdout, "\(n) shards:\n\(merged.stdout)\nvs\n\(json.stdout)")
            let mergedText = try CLI.run(["merge"] + files)
            #expect(mergedText.stdout == text.stdout && !text.stdout.isEmpty)
        }
    }

    @Test func clsToysWithCounts() throws {
        try verbMergesToTheUnshardedOutput(["cls"] + Self.model + ["--calculator", "toys", "--toys", "200", "--seed", "7"], name: "cls")
    }

    @Test func clsToysWithAWorkspace() throws {
        let ws = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/generated/normsys_histosys_twobin.workspace.json").path
        try verbMergesToTheUnshardedOutput(["cls", "--workspace", ws, "--calculator", "toys", "--toys", "120", "--seed", "3", "--mu", "0.5"],
                                           name: "ws")
    }

    @Test func clsToysWithAnUnbinnedModel() throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/unbinned/model.toml").path
        try verbMergesToTheUnshardedOutput(["cls", "--model", model, "--calculator", "toys", "--toys", "100", "--seed", "1"], name: "unbinned")
    }

    @Test func significanceToys() throws {
        try verbMergesToTheUnshardedOutput(["significance", "--n", "60,58", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7",
                                            "--calculator", "toys", "--toys", "150", "--seed", "5"], name: "significance")
    }

    /// A numerical failure (no background-only toy reaches q0: z is a lower bound, exit 1) merges to the same
    /// output, status and message.
    @Test func significanceFailureMergesToTheSameFailure() throws {
        try verbMergesToTheUnshardedOutput(["significance", "--n", "70,66", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7",
                                            "--calculator", "toys", "--toys", "120", "--seed", "5"], name: "significance-failure", status: 1)
    }

    static let powerStudy = """
    [study]
    kind = "bumphunt-power"
    title = "sharded power study"
    seed = 5
    [model]
    sigma = 0.08
    signal = 50
    background = 1000
    [toys]
    count = 300
    [network]
    layers = [8]
    [training]
    events_per_class = 4000
    epochs = 2
    """

    static let splotStudy = """
    [study]
    kind = "splot-zmumu"
    seed = 5
    [sample]
    signal_yield = 300
    background_yield = 500
    [toys]
    count = 9
    bootstrap = 20
    """

    static let nuisanceStudy = """
    [study]
    kind = "nuisance-features"
    seed = 12
    [model]
    events = 1000
    mu = 0.1
    [toys]
    count = 12
    [calibration]
    bins = 10
    events_per_class = 4000
    [network]
    layers = [8]
    [training]
    events_per_class = 4000
    epochs = 2
    """

    /// Every file of a study's output directory, by name (hidden ones included).
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    /// A study unsharded and in 2 and 3 shards (different threads per shard): the merge writes the same files.
    @Test(arguments: [("power", powerStudy), ("splot", splotStudy), ("nuisance", nuisanceStudy)])
    func studyMergesToTheUnshardedOutputs(name: String, text: String) throws {
        let dir = try Self.tempDir("study-\(name)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("\(name).toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let single = dir.appendingPathComponent("single")
        let r = try CLI.run(["study", file.path, "--out", single.path, "--quiet"], environment: Self.date)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try Self.files(single)
        #expect(Set(expected.keys).isSuperset(of: ["results.json", "report.html", ".neyman-study"]) && expected.count >= 4)
        for (n, threads) in [(2, [2, 1]), (3, [1, 2])] {
            let shards = try Self.shards(["study", file.path], n: n, threads: threads, into: dir.appendingPathComponent("shards\(n)"))
            let out = dir.appendingPathComponent("merged\(n)")
            let m = try CLI.run(["merge"] + shards + ["--out", out.path, "--format", "json", "--quiet"], environment: Self.date)
            #expect(m.status == 0, "\(m.stderr)")
            #expect(m.json?["report"] as? String == out.appendingPathComponent("report.html").path)
            let merged = try Self.files(out)
            #expect(Set(merged.keys) == Set(expected.keys))
            for (key, bytes) in expected { #expect(merged[key] == bytes, "\(name), \(n) shards: \(key) differs") }
        }
    }

    /// Missing, duplicated, foreign and mixed shards are refused with exit status 2, naming the shard file.
    @Test func mismatchedShardsAreRefusedNamingTheFile() throws {
        let dir = try Self.tempDir("refuse")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["cls"] + Self.model + ["--calculator", "toys", "--toys", "120"]
        let good = try Self.shards(args + ["--seed", "7"], n: 3, threads: [1], into: dir.appendingPathComponent("good"))
        let seed = try Self.shards(args + ["--seed", "8"], n: 3, threads: [1], into: dir.appendingPathComponent("seed"))
        let option = try Self.shards(args + ["--seed", "7", "--mu", "0.5"], n: 3, threads: [1], into: dir.appendingPathComponent("mu"))
        let four = try Self.shards(args + ["--seed", "7"], n: 4, threads: [1], into: dir.appendingPathComponent("four"))
        let cases: [([String], String, String)] = [
            ([good[0], good[2]], "shard-1-of-3.json", "missing"),
            (good + [good[1]], good[1], "once"),
            ([good[0], seed[1], good[2]], seed[1], "seed"),
            ([good[0], good[1], option[2]], option[2], "hash"),
            ([good[0], four[1], good[2]], four[1], "shards"),
        ]
        for (files, named, word) in cases {
            let r = try CLI.run(["merge"] + files + ["--format", "json"])
            #expect(r.status == 2 && r.stdout.isEmpty, "\(files): \(r.stdout)")
            #expect(r.stderr.contains(named) && r.stderr.contains(word), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        // A shard's numbers changed by hand.
        let edited = dir.appendingPathComponent("edited.json")
        let text = try String(contentsOfFile: good[1], encoding: .utf8)
        let firstValue = try #require(text.range(of: #""q_sb": \["[0-9a-f]{16}""#, options: .regularExpression))
        let changed = text.replacingCharacters(in: firstValue, with: #""q_sb": ["3ff0000000000000""#)
        #expect(changed != text)
        try changed.write(to: edited, atomically: true, encoding: .utf8)
        let r = try CLI.run(["merge", good[0], edited.path, good[2]])
        #expect(r.status == 2 && r.stderr.contains(edited.path) && r.stderr.contains("payload_sha256"), "\(r.stderr)")
        // A verb's shards with --out, a study's without it.
        #expect(try CLI.run(["merge"] + good + ["--out", dir.path]).status == 2)
    }

    /// Hostile files given as shards (the hostile corpus, and shard files with wrong types, impossible shards, a
    /// toy range that is not the shard's, too few values, a tampered study file): exit 2 naming the file, never a signal.
    @Test func hostileShardFilesExitTwo() throws {
        let dir = try Self.tempDir("hostile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/hostile")
        var files = (FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
            .filter { !$0.hasDirectoryPath }.map(\.path)
        #expect(files.count >= 10)
        let good = try Self.shards(["cls"] + Self.model + ["--calculator", "toys", "--toys", "100"], n: 1, threads: [1],
                                   into: dir.appendingPathComponent("good"))[0]
        let text = try String(contentsOfFile: good, encoding: .utf8)
        let study = dir.appendingPathComponent("s.toml")
        try Self.splotStudy.write(to: study, atomically: true, encoding: .utf8)
        let studyShard = try Self.shards(["study", study.path], n: 3, threads: [1], into: dir.appendingPathComponent("study"))
        let studyText = try String(contentsOfFile: studyShard[0], encoding: .utf8)
        let variants: [(String, String)] = [
            ("types", text.replacingOccurrences(of: "\"shards\": 1", with: "\"shards\": \"1\"")),
            ("zero", text.replacingOccurrences(of: "\"shards\": 1", with: "\"shards\": 0")),
            ("negative", text.replacingOccurrences(of: "\"shard\": 0", with: "\"shard\": -1")),
            ("range", text.replacingOccurrences(of: "\"toy_range\": [0, 100]", with: "\"toy_range\": [0, 99]")),
            ("toys", text.replacingOccurrences(of: "\"toys\": 100", with: "\"toys\": 9223372036854775807")),
            ("truncated", String(text.prefix(text.count / 2))),
            ("seed", text.replacingOccurrences(of: "\"seed\": 0", with: "\"seed\": -1")),
            ("kind", studyText.replacingOccurrences(of: "splot-zmumu", with: "bumphunt-power")),
        ]
        for (name, content) in variants {
            #expect(content != text && content != studyText, "\(name) changed nothing")
            let f = dir.appendingPathComponent("\(name).json")
            try content.write(to: f, atomically: true, encoding: .utf8)
            files.append(f.path)
        }
        for f in files {
            let others = f.hasSuffix("kind.json") ? Array(studyShard.dropFirst()) + ["--out", dir.appendingPathComponent("o").path] : []
            let r = try CLI.run(["merge", f] + others)
            #expect(!r.signalled && r.status == 2, "\(f): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(f) && r.stderr.split(separator: "\n").count == 1, "\(f): \(r.stderr)")
        }
    }

    /// What cannot run in shards says why (exit 2).
    @Test func unshardableRunsAreRefusedWithTheReason() throws {
        let dir = try Self.tempDir("unshardable")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = ["--out", dir.path]
        let ul = try CLI.run(["upper-limit"] + Self.model + ["--calculator", "toys", "--toys", "100", "--shard", "0/2"] + out)
        #expect(ul.status == 2 && ul.stderr.contains("cannot run in shards") && ul.stderr.contains("next mu"), "\(ul.stderr)")
        let asym = try CLI.run(["cls"] + Self.model + ["--shard", "0/2"] + out)
        #expect(asym.status == 2 && asym.stderr.contains("--calculator toys"), "\(asym.stderr)")
        let limits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("toys/bumphunt-limits.toml").path
        let study = try CLI.run(["study", limits, "--shard", "0/2", "--out", dir.path, "--quiet"])
        #expect(study.status == 2 && study.stderr.contains("cannot run in shards") && study.stderr.contains("sequential search"), "\(study.stderr)")
        for bad in ["2/2", "1", "0/0", "x/2"] {
            let r = try CLI.run(["cls"] + Self.model + ["--calculator", "toys", "--toys", "100", "--shard", bad] + out)
            #expect(r.status == 2 && r.stderr.contains("shard"), "\(bad): \(r.stderr)")
        }
        let tooMany = try CLI.run(["cls"] + Self.model + ["--calculator", "toys", "--toys", "100", "--shard", "0/101"] + out)
        #expect(tooMany.status == 2 && tooMany.stderr.contains("at most 100"), "\(tooMany.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
