import Foundation
import Testing

/// `neyman export workspace`: the histograms against a hand computation, the modifiers as documented, the workspace
/// read back by `neyman cls --workspace`, and the same workspace in pyhf 0.7.6 (the bench venv, created when missing)
/// giving the same CLs.
@Suite("neyman export workspace", .serialized)
struct ExportWorkspaceCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Signal scores near 1, background near 0, weights 0.5 ... 1.5; varied backgrounds shifted up and down.
    static func write(_ dir: URL) throws -> (signal: [(Double, Double)], background: [(Double, Double)], data: [Double], up: [(Double, Double)]) {
        var state: UInt64 = 0xDEADBEEF
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return (Double(state >> 11) + 0.5) / Double(1 << 53) }
        let signal = (0..<400).map { _ in (pow(uniform(), 0.3), 0.02 + 0.03 * uniform()) }
        let background = (0..<4000).map { _ in (pow(uniform(), 3.0), 0.02 + 0.01 * uniform()) }
        let up = (0..<4000).map { _ in (pow(uniform(), 2.6), 0.022 + 0.01 * uniform()) }
        let down = (0..<4000).map { _ in (pow(uniform(), 3.4), 0.019 + 0.01 * uniform()) }
        let data = (0..<96).map { _ in pow(uniform(), 3.0) } + (0..<6).map { _ in pow(uniform(), 0.3) } + [1.5, -0.2]
        func file(_ name: String, _ rows: [(Double, Double)]) throws {
            try (["s,w"] + rows.map { "\($0.0),\($0.1)" }).joined(separator: "\n").appending("\n")
                .write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try file("signal.csv", signal)
        try file("background.csv", background)
        try file("up.csv", up)
        try file("down.csv", down)
        try (["s"] + data.map { "\($0)" }).joined(separator: "\n").appending("\n").write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        return (signal, background, data, up)
    }

    static func histogram(_ rows: [(Double, Double)], _ edges: [Double]) -> (sums: [Double], errors: [Double]) {
        var s = [Double](repeating: 0, count: edges.count - 1), q = s
        for (x, w) in rows {
            guard let b = (0..<(edges.count - 1)).first(where: { x >= edges[$0] && (x < edges[$0 + 1] || ($0 == edges.count - 2 && x == edges[$0 + 1])) }) else { continue }
            s[b] += w
            q[b] += w * w
        }
        return (s, q.map { $0.squareRoot() })
    }

    @Test func workspaceMatchesTheHistogramsAndPyhf() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (signal, background, data, up) = try Self.write(dir)
        let edges = [0.0, 0.3, 0.6, 0.8, 0.9, 1.0]
        let ws = dir.appendingPathComponent("ws.json").path
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let out = try CLI.run(["export", "workspace", "--signal", path("signal.csv"), "--background", path("background.csv"), "--data", path("data.csv"),
                               "--score", "s", "--weight", "w", "--bins", "0,0.3,0.6,0.8,0.9,1", "--systematic", "shape=\(path("up.csv")),\(path("down.csv"))",
                               "--normsys", "signal:lumi=0.98,1.02", "--out", ws, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try #require(out.json, "\(out.stderr)")
        #expect((j["outside_bins"] as? [String: Int])?["data"] == 2)
        let w = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ws))) as? [String: Any])
        let channel = try #require((w["channels"] as? [[String: Any]])?.first)
        let samples = try #require(channel["samples"] as? [[String: Any]])
        try #require(samples.count == 2)
        func modifiers(_ k: Int) -> [[String: Any]] { samples[k]["modifiers"] as? [[String: Any]] ?? [] }
        for (k, rows) in [(0, signal), (1, background)] {
            let expected = Self.histogram(rows, edges)
            let got = try #require(samples[k]["data"] as? [Double])
            try #require(got.count == 5)
            for b in 0..<5 { #expect(abs(got[b] - expected.sums[b]) < 1e-9 * max(1, expected.sums[b])) }
            let stat = try #require(modifiers(k).first { $0["type"] as? String == "staterror" }?["data"] as? [Double])
            for b in 0..<5 { #expect(abs(stat[b] - expected.errors[b]) < 1e-9 * max(1, expected.errors[b])) }
        }
        #expect(modifiers(0).contains { $0["type"] as? String == "normfactor" && $0["name"] as? String == "mu" })
        #expect(modifiers(0).contains { $0["type"] as? String == "normsys" && $0["name"] as? String == "lumi" })
        // The background variation: the rate in a normsys, the shape at the nominal rate in a histosys.
        let nominal = Self.histogram(background, edges).sums, upHist = Self.histogram(up, edges).sums
        let norm = try #require(modifiers(1).first { $0["type"] as? String == "normsys" }?["data"] as? [String: Double])
        #expect(abs((norm["hi"] ?? 0) - upHist.reduce(0, +) / nominal.reduce(0, +)) < 1e-12)
        let hist = try #require(modifiers(1).first { $0["type"] as? String == "histosys" }?["data"] as? [String: [Double]])
        let hi = try #require(hist["hi_data"])
        #expect(abs(hi.reduce(0, +) - nominal.reduce(0, +)) < 1e-9)
        for b in 0..<5 { #expect(abs(hi[b] - upHist[b] * nominal.reduce(0, +) / upHist.reduce(0, +)) < 1e-9) }
        let observed = try #require((w["observations"] as? [[String: Any]])?.first?["data"] as? [Double])
        #expect(observed == Self.histogram(data.map { ($0, 1) }, edges).sums)

        // Neyman on the file, and pyhf on the same file.
        let cls = try CLI.run(["cls", "--workspace", ws, "--mu", "1", "--format", "json"])
        let c = try #require(cls.json, "\(cls.stderr)")
        let python = try Self.benchPython()
        let script = """
        import json, sys, pyhf
        ws = pyhf.Workspace(json.load(open(sys.argv[1])))
        model = ws.model(); data = ws.data(model)
        obs, exp = pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", return_expected_set=True)
        print(json.dumps({"cls": float(obs), "expected": [float(e) for e in exp]}))
        """
        let p = try CLI.run(program: URL(fileURLWithPath: python), ["-c", script, ws])
        #expect(p.status == 0, "\(p.stderr)")
        let py = try #require(p.json, "pyhf: \(p.stdout) \(p.stderr)")
        let ours = try #require(c["cls"] as? Double), theirs = try #require(py["cls"] as? Double)
        // pyhf's own minimiser stops at its tolerance (about 1e-6 relative in these fits; README, Validation).
        #expect(theirs > 0.005 && theirs < 0.9, "the test point should be informative: pyhf CLs \(theirs)")
        #expect(abs(ours - theirs) < 1e-4 * theirs, "Neyman \(ours), pyhf \(theirs)")
        let oursExpected = try #require(c["cls_expected"] as? [Double]), theirsExpected = try #require(py["expected"] as? [Double])
        try #require(oursExpected.count == 5 && theirsExpected.count == 5)
        for (a, b) in zip(oursExpected, theirsExpected) { #expect(abs(a - b) < 1e-4 * b, "expected: Neyman \(a), pyhf \(b)") }
    }

    /// The bench venv's python (bench/setup-venv.sh creates it on first use: pip from PyPI).
    static func benchPython() throws -> String {
        let o = try CLI.run(program: URL(fileURLWithPath: "/bin/bash"), [root.appendingPathComponent("bench/setup-venv.sh").path])
        guard o.status == 0, let line = o.stdout.split(separator: "\n").last else {
            throw NSError(domain: "bench venv", code: Int(o.status), userInfo: [NSLocalizedDescriptionKey: "bench/setup-venv.sh failed: \(o.stderr)"])
        }
        return String(line)
    }

    @Test func badInputIsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-export-bad-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try Self.write(dir)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let base = ["export", "workspace", "--signal", path("signal.csv"), "--background", path("background.csv"), "--data", path("data.csv"),
                    "--score", "s", "--out", path("ws.json")]
        for (extra, fault) in [(["--bins", "0,0.5,0.5,1"], "bins"), (["--bins", "0,1", "--systematic", "shape=\(path("up.csv"))"], "systematic"),
                               (["--bins", "0,1", "--normsys", "lumi=0.9"], "normsys"), (["--bins", "2,3"], "bin 1"),
                               (["--bins", "0,1", "--weight", "nope"], "nope"), (["--bins", "0,1", "--normsys", "mu=0.9,1.1"], "mu")] {
            let o = try CLI.run(base + extra)
            #expect(o.status == 2 && o.stderr.contains(fault), "\(extra): \(o.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: path("ws.json")))
    }
}
