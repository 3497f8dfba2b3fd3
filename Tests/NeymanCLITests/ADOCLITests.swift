import Foundation
import Testing

/// `neyman ado` as a user runs it: the reference case, the restricted form, and bad input.
@Suite("neyman ado", .serialized)
struct ADOCLITests {
    static let caseFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cases/ado/ado_n500.csv").path

    @Test func referenceCase() throws {
        let o = try CLI.run(["ado", "--input", Self.caseFile, "--f", "f", "--g", "g", "--label", "label", "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        #expect(abs((j["ado"] as? Double ?? 0) - 0.8648739495798319) < 1e-14)
        #expect(j["n_signal"] as? Int == 245 && j["n_background"] as? Int == 255 && j["status"] as? String == "ok")
    }

    /// Restricting to the pairs g and f order oppositely leaves only discordant pairs: ADO 0.
    @Test func restrictedToTheDiscordantPairsIsZero() throws {
        let o = try CLI.run(["ado", "--input", Self.caseFile, "--f", "f", "--g", "g", "--label", "label", "--disagree", "f,g",
                             "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        #expect(j["ado"] as? Double == 0)
        #expect(j["disagreeing_pairs"] as? Int == 6724)   // the case's n_discordant_pairs
        #expect(j["sampled"] as? Bool == false && j["pairs_examined"] as? Int == 62475)
    }

    @Test func badInputExitsWith2NamingTheFault() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-ado-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let badLabel = dir.appendingPathComponent("label.csv").path
        try "f,g,y\n1,2,1\n2,3,0\n3,1,2\n".write(toFile: badLabel, atomically: true, encoding: .utf8)
        let cases: [([String], [String])] = [
            (["--input", badLabel, "--f", "f", "--g", "g", "--label", "y"], ["row 4", "'y'"]),
            (["--input", Self.caseFile, "--f", "nope", "--g", "g", "--label", "label"], ["nope"]),
            (["--input", Self.caseFile, "--f", "f", "--g", "g", "--label", "label", "--disagree", "f"], ["disagree"]),
            (["--input", Self.caseFile, "--f", "f", "--g", "g", "--label", "label", "--disagree", "f,g", "--pair-budget", "0"],
             ["pair-budget"]),
        ]
        for (args, mentions) in cases {
            let o = try CLI.run(["ado"] + args)
            #expect(o.status == 2, "\(args): \(o.status) \(o.stderr)")
            #expect(o.stdout.isEmpty && o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
        }
    }
}
