import Foundation
import Testing

/// `neyman dcor`: the documented keys, the reference numbers (dcor 0.7; DisCo formula with --weight), bad input.
@Suite("neyman dcor", .serialized)
struct DcorCLITests {
    static var cases: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cases/dcor")
    }

    func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.cases.appendingPathComponent("\(name).expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func number(_ j: [String: Any], _ k: String) -> Double { (j[k] as? NSNumber)?.doubleValue ?? .nan }

    func close(_ a: Double, _ b: Double, _ tol: Double = 1e-10) -> Bool { abs(a - b) <= tol * abs(b) }

    func temporaryCSV(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-dcor-\(getpid())-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func jsonMatchesDcorReference() throws {
        let o = try CLI.run(["dcor", "--input", Self.cases.appendingPathComponent("quadratic_n1000.csv").path,
                             "--x", "x", "--y", "y", "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        let e = try expected("quadratic_n1000")["expected"] as? [String: Any] ?? [:]
        #expect(close(number(j, "dcor"), number(e, "distance_correlation")))
        #expect(close(number(j, "dcor2"), number(e, "distance_correlation_sqr")))
        #expect(close(number(j, "dcov2"), number(e, "distance_covariance_sqr")))
        #expect(close(number(j, "udcor2"), number(e, "u_distance_correlation_sqr")))
        #expect(j["n"] as? Int == 1000)
        #expect(j["method"] as? String == "fast-1d")
        #expect(j["weighting"] as? String == "none")
    }

    @Test func weightedJSONIsTheDisCoFormula() throws {
        let o = try CLI.run(["dcor", "--input", Self.cases.appendingPathComponent("weighted_n1000.csv").path,
                             "--x", "x", "--y", "y", "--weight", "w", "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        let e = try expected("weighted_n1000")["weighted"] as? [String: Any] ?? [:]
        #expect(close(number(j, "dcor2"), number(e, "weighted_distance_correlation_sqr")))
        #expect(close(number(j, "dcor"), number(e, "weighted_distance_correlation_sqr").squareRoot()))
        #expect(close(number(j, "dcov2"), number(e, "weighted_distance_covariance_sqr")))
        #expect(j["udcor2"] is NSNull)
        #expect(j["method"] as? String == "weighted-fast-1d")
        #expect((j["weighting"] as? String)?.contains("mean 1") == true)
    }

    @Test func textFormatAndSmallSamples() throws {
        let path = try temporaryCSV("a,b\n0,0\n1,2\n3,1\n")
        let t = try CLI.run(["dcor", "--input", path, "--x", "a", "--y", "b"])
        #expect(t.status == 0 && t.stdout.contains("dCor") && t.stdout.contains("n = 3"), "\(t.stdout)\(t.stderr)")
        let j = try #require(try CLI.run(["dcor", "--input", path, "--x", "a", "--y", "b", "--format", "json"]).json)
        // n = 3, exact: dCor² = (4/9) / sqrt(32/27 * 40/81); no U-statistic below n = 4.
        #expect(close(number(j, "dcor2"), (4.0 / 9) / (32.0 / 27 * 40.0 / 81).squareRoot(), 1e-14))
        #expect(j["udcor2"] is NSNull)
        let constant = try temporaryCSV("a,b\n1,0\n1,2\n1,1\n1,5\n1,3\n")
        let c = try #require(try CLI.run(["dcor", "--input", constant, "--x", "a", "--y", "b", "--format", "json"]).json)
        #expect(number(c, "dcor") == 0 && number(c, "udcor2") == 0)
    }

    @Test func badInputExitsWithStatus2() throws {
        let nan = try temporaryCSV("x,y,w\n1,2,1\n2,nan,1\n3,1,1\n")
        let negative = try temporaryCSV("x,y,w\n1,2,1\n2,3,1\n3,1,-0.5\n")
        let zero = try temporaryCSV("x,y,w\n1,2,0\n2,3,0\n")
        let cases: [([String], [String])] = [
            (["--input", nan, "--x", "x", "--y", "y"], ["row 3", "'y'"]),
            (["--input", negative, "--x", "x", "--y", "y", "--weight", "w"], ["row 4", "'w'"]),
            (["--input", zero, "--x", "x", "--y", "y", "--weight", "w"], ["'w'"]),
            (["--input", nan, "--x", "x", "--y", "mass"], ["'mass'"]),
            (["--input", nan, "--x", "x"], ["--y"]),
            (["--input", "/nonexistent/file.csv", "--x", "x", "--y", "y"], ["/nonexistent/file.csv"]),
        ]
        for (args, mentions) in cases {
            let o = try CLI.run(["dcor"] + args)
            #expect(o.status == 2, "\(args): status \(o.status), \(o.stderr)")
            #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
            #expect(o.stdout.isEmpty)
        }
    }
}
