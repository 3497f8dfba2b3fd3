import Foundation
import Testing

/// `neyman generate muons` and `neyman isolation` as a user runs them.
@Suite("neyman generate muons and isolation", .serialized)
struct MuonSampleCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var config: String { root.appendingPathComponent("toys/samples/muon-sample.toml").path }

    static func temporary() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-muon-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func generateThenIsolation() throws {
        let dir = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.npz").path
        let g = try CLI.run(["generate", "muons", "--config", Self.config, "--out", out, "--events", "400", "--seed", "3", "--format", "json"])
        #expect(g.status == 0, "\(g.stderr)")
        let j = try #require(g.json)
        #expect(j["n_muons"] as? Int == 400 && j["cached"] as? Bool == false && (j["rate_per_second"] as? Double ?? 0) > 0)
        #expect((j["n_signal"] as? Int ?? 0) + (j["n_background"] as? Int ?? 0) == 400)
        // The same settings again: cached, not regenerated.
        let again = try CLI.run(["generate", "muons", "--config", Self.config, "--out", out, "--events", "400", "--seed", "3", "--format", "json"])
        #expect(again.status == 0 && again.json?["cached"] as? Bool == true && again.json?["settings_hash"] as? String == j["settings_hash"] as? String)

        let csv = dir.appendingPathComponent("iso.csv").path
        let i = try CLI.run(["isolation", "--input", out, "--cones", "0.1,0.3", "--pf", "--out", csv, "--format", "json"])
        #expect(i.status == 0, "\(i.stderr)")
        let ij = try #require(i.json)
        let values = try #require(ij["values"] as? [[Double]]), pf = try #require(ij["pf"] as? [Double])
        #expect(values.count == 2 && values.allSatisfy { $0.count == 400 } && pf.count == 400)
        // A larger cone holds at least what a smaller one holds.
        #expect(zip(values[0], values[1]).allSatisfy { $0 <= $1 + 1e-12 })
        let header = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").first.map(String.init)
        #expect(header == "label,weight,iso_0.1,iso_0.3,pf_iso")
        // From particles: the same order of magnitude, exact positions.
        let p = try CLI.run(["isolation", "--input", out, "--cones", "0.45", "--from", "particles", "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
    }

    @Test func badInputExitsWith2() throws {
        let dir = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let badConfig = dir.appendingPathComponent("bad.toml").path
        try "[sample]\nkind = \"tau\"\n".write(toFile: badConfig, atomically: true, encoding: .utf8)
        let unknown = dir.appendingPathComponent("unknown.toml").path
        try "[sample]\nmuonz = 5\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        let notNPZ = dir.appendingPathComponent("x.csv").path
        try "a\n1\n".write(toFile: notNPZ, atomically: true, encoding: .utf8)
        let cases: [([String], [String])] = [
            (["generate", "muons", "--config", badConfig, "--out", dir.appendingPathComponent("a.npz").path], ["sample.kind"]),
            (["generate", "muons", "--config", unknown, "--out", dir.appendingPathComponent("a.npz").path], ["sample.muonz"]),
            (["generate", "muons", "--config", Self.config, "--out", dir.appendingPathComponent("a.csv").path], [".npz"]),
            (["generate", "muons", "--config", Self.config, "--out", dir.appendingPathComponent("a.npz").path, "--engine", "herwig"], ["engine"]),
            (["isolation", "--input", notNPZ], ["x.csv"]),
            (["isolation", "--input", notNPZ, "--cones", "0.9"], ["cones"]),
        ]
        for (args, mentions) in cases {
            let o = try CLI.run(args)
            #expect(o.status == 2, "\(args): \(o.status) \(o.stderr)")
            #expect(o.stdout.isEmpty && o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
        }
    }
}
