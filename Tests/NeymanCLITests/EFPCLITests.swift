import Foundation
import Testing
import NeymanCore

/// `neyman efp` as a user runs it: the energyflow reference case, sets, the EnergyFlow NPZ layout, bad input.
@Suite("neyman efp", .serialized)
struct EFPCLITests {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cases/efp")
    static var particles: String { cases.appendingPathComponent("particles.csv").path }

    /// The triangle at beta = 1, kappa = 1 against energyflow 1.4 on the ten public events.
    @Test func triangleMatchesEnergyflow() throws {
        let o = try CLI.run(["efp", "--input", Self.particles, "--graph", "0-1,1-2,2-0", "--beta", "1", "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        let values = try #require(j["values"] as? [Double])
        let expected = try Data(contentsOf: Self.cases.appendingPathComponent("efp.expected.json"))
        let results = try #require((try JSONSerialization.jsonObject(with: expected) as? [String: Any])?["results"] as? [[String: Any]])
        let triangle = try #require(results.first { ($0["graph"] as? String) == "triangle" && ($0["beta"] as? Double) == 1
                                                  && ($0["kappa"] as? Double) == 1 })
        let reference = try #require(triangle["values"] as? [Double])
        #expect(values.count == 10 && j["n_events"] as? Int == 10)
        for e in 0..<10 { #expect(abs(values[e] - reference[e]) <= 1e-10 * abs(reference[e]), "event \(e)") }
        #expect(j["graph"] as? String == "0-1,0-2,1-2" && j["kappa"] as? Double == 1 && j["status"] as? String == "ok")
    }

    @Test func setWritesEveryGraphAndACSV() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-efp-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let o = try CLI.run(["efp", "--input", Self.particles, "--set", "d<=3", "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        let graphs = try #require(j["graphs"] as? [String]), values = try #require(j["values"] as? [[Double]])
        #expect(graphs.count == 1 + 1 + 2 + 5 && values.count == graphs.count && values.allSatisfy { $0.count == 10 })
        #expect(graphs.first == "dot" && values[0].allSatisfy { abs($0 - 1) < 1e-12 })
        let table = try CSVReader.read(path: out)
        #expect(table.columnNames.count == 1 + graphs.count && table.columnNames[1] == "efp_dot")
        // (JSONSerialization on Linux may round the last digit differently from the CSV's exact decimal.)
        let line = try table.column("efp_0-1")
        #expect(line.count == 10 && zip(line, values[1]).allSatisfy { abs($0 - $1) <= 1e-15 * abs($1) })
    }

    /// The EnergyFlow NPZ layout (zero-padded, 4 columns) gives what the CSV of the same particles gives.
    @Test func energyflowNPZLayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-efp-npz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("p.csv").path, npz = dir.appendingPathComponent("p.npz").path
        try "event,pt,eta,phi\n0,10,0.1,0.2\n0,5,0.3,-0.1\n0,1,-0.2,3.1\n1,7,1.0,-3.1\n1,2,1.1,3.0\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let x: [Double] = [10, 0.1, 0.2, 1, 5, 0.3, -0.1, 2, 1, -0.2, 3.1, 3,
                           7, 1.0, -3.1, 1, 2, 1.1, 3.0, 3, 0, 0, 0, 0]
        try NPZArchive.write([("X", try NPYArray(shape: [2, 3, 4], values: x))], to: npz)
        func run(_ path: String) throws -> [[Double]] {
            let o = try CLI.run(["efp", "--input", path, "--set", "d<=2", "--beta", "2", "--kappa", "0.5", "--format", "json"])
            #expect(o.status == 0, "\(o.stderr)")
            return try #require(o.json?["values"] as? [[Double]])
        }
        let a = try run(csv), b = try run(npz)
        #expect(a.count == 4 && b.count == 4 && zip(a, b).allSatisfy { $0.0.count == 2 && $0.0 == $0.1 })
    }

    @Test func badInputExitsWith2() throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-efp-bad-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: bad) }
        try "event,pt,eta,phi\n0,1,0,0\n0,-3,0,0\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let cases: [([String], [String])] = [
            (["--input", Self.particles, "--graph", "0-0"], ["graph", "self-loop"]),
            (["--input", Self.particles, "--graph", "0-2"], ["graph", "node 1"]),
            (["--input", Self.particles, "--set", "d<=9"], ["set"]),
            (["--input", Self.particles, "--set", "five"], ["set"]),
            (["--input", Self.particles], ["graph"]),
            (["--input", Self.particles, "--graph", "0-1", "--beta", "0"], ["beta"]),
            (["--input", bad, "--graph", "0-1"], ["row 3", "pt"]),
            (["--input", Self.cases.appendingPathComponent("efp.expected.json").path, "--graph", "0-1"], [".csv"]),
        ]
        for (args, mentions) in cases {
            let o = try CLI.run(["efp"] + args)
            #expect(o.status == 2, "\(args): \(o.status) \(o.stderr)")
            #expect(o.stdout.isEmpty && o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
        }
    }
}
