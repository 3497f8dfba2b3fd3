import Foundation
import Testing

/// `neyman study`: outputs, the JSON contract, determinism across thread counts, and errors that name the key.
@Suite("neyman study")
struct StudyCLITests {
    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-study-\(getpid())-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let power = """
    [study]
    kind = "bumphunt-power"
    title = "tiny power study"
    seed = 3
    [model]
    sigma = 0.08
    signal = 50
    background = 1000
    [toys]
    count = { quick = 400, full = 10000 }
    [network]
    layers = [8]
    [training]
    events_per_class = { quick = 5000, full = 50000 }
    epochs = 3
    """

    @Test func writesResultsTablesAndReportIdenticallyForOneAndTwoThreads() throws {
        let dir = try Self.tempDir("power")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny-power.toml")
        try Self.power.write(to: file, atomically: true, encoding: .utf8)
        var results: [Data] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("out\(threads)")
            let r = try CLI.run(["study", file.path, "--out", out.path, "--threads", threads, "--format", "json", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            #expect(Set(json.keys) == ["report", "scale", "studies"])
            #expect(json["scale"] as? String == "quick")
            let studies = try #require(json["studies"] as? [[String: Any]])
            #expect(studies.count == 1 && studies[0]["name"] as? String == "tiny-power")
            results.append(try Data(contentsOf: out.appendingPathComponent("results.json")))
            let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(report.contains("<svg") && report.contains("tiny power study") && !report.contains("<script"))
            let csv = try String(contentsOf: out.appendingPathComponent("power_curves.csv"), encoding: .utf8)
            #expect(csv.hasPrefix("alpha,power_inclusive,power_error_inclusive,"))
            let parsed = try #require(try JSONSerialization.jsonObject(with: results.last!) as? [String: Any])
            let power = try #require(parsed["power_at_alpha_0.05"] as? [String: Double])
            #expect(Set(power.keys) == ["inclusive", "cut", "two_bins", "many_bins", "optimal", "network"])
            #expect(Set((parsed["power_error_at_alpha_0.05"] as? [String: Double])?.keys ?? [:].keys) == Set(power.keys))
        }
        #expect(results[0] == results[1])
    }

    @Test func severalStudiesGetOneDirectoryEachAndACombinedReport() throws {
        let dir = try Self.tempDir("multi")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.toml"), b = dir.appendingPathComponent("b.toml")
        try Self.power.write(to: a, atomically: true, encoding: .utf8)
        try Self.power.replacingOccurrences(of: "seed = 3", with: "seed = 4").write(to: b, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["study", a.path, b.path, "--out", out.path, "--format", "json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["a", "b"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name)/results.json").path))
        }
        let combined = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(combined.components(separatedBy: "<svg").count - 1 == 4)
    }

    @Test func badStudyFilesExitTwoNamingTheKey() throws {
        let dir = try Self.tempDir("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String)] = [
            (Self.power.replacingOccurrences(of: "bumphunt-power", with: "bumphunt-powr"), "study.kind"),
            (Self.power.replacingOccurrences(of: "epochs = 3", with: "epochs = 3\nepoch = 4"), "training.epoch"),
            (Self.power.replacingOccurrences(of: "background = 1000", with: "background = 0"), "model.background"),
            (Self.power.replacingOccurrences(of: "seed = 3", with: ""), "study.seed"),
        ]
        for (k, (text, key)) in cases.enumerated() {
            let f = dir.appendingPathComponent("bad\(k).toml")
            try text.write(to: f, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", f.path, "--out", dir.appendingPathComponent("o\(k)").path, "--quiet"])
            #expect(r.status == 2 && r.stderr.contains(key) && r.stderr.contains(f.path), "\(key): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o\(k)/results.json").path))
        }
        let scale = try CLI.run(["study", dir.appendingPathComponent("bad0.toml").path, "--out", dir.path, "--scale", "huge"])
        #expect(scale.status == 2 && scale.stderr.contains("--scale"))
        let missing = try CLI.run(["study", dir.appendingPathComponent("nope.toml").path, "--out", dir.path])
        #expect(missing.status == 2 && missing.stderr.contains("nope.toml"))
    }
}
