import Foundation
import Testing

/// `neyman study` output handling: --out checked before any work, written whole or not at all, earlier outputs
/// replaced, foreign directories never touched, seeds over the full UInt64 range.
@Suite("neyman study outputs")
struct StudyOutputCLITests {
    private func parentEntries(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test("an --out under a file is refused before any study runs, and nothing is created")
    func unwritableOutRefusedFirst() throws {
        let dir = try StudyCLITests.tempDir("unwritable")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml")
        try StudyCLITests.power.write(to: file, atomically: true, encoding: .utf8)
        let blocker = dir.appendingPathComponent("plain-file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", file.path, "--out", blocker.appendingPathComponent("out").path])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("plain-file") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r.stderr)")
        // The study logs "s: bumphunt-power at scale quick" when it starts: it must not have started.
        #expect(!r.stderr.contains("at scale"), "\(r.stderr)")
        #expect(try parentEntries(dir) == ["plain-file", "s.toml"])
    }

    @Test("a non-empty directory Neyman did not write is refused and left as it was")
    func foreignDirectoryRefused() throws {
        let dir = try StudyCLITests.tempDir("foreign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml")
        try StudyCLITests.power.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("analysis")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "my notes".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", file.path, "--out", out.path])
        #expect(r.status == 2 && r.stderr.contains(".neyman-study") && !r.stderr.contains("at scale"), "\(r.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes")
        #expect(try parentEntries(dir) == ["analysis", "s.toml"])
    }

    @Test("a second run replaces the first whole; no staging directory is left; a UInt64 seed is kept exactly")
    func rerunReplacesAndSeedsAreUnsigned() throws {
        let dir = try StudyCLITests.tempDir("rerun")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml")
        let text = StudyCLITests.power.replacingOccurrences(of: "seed = 3", with: "seed = \"18446744073709551615\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        var results: [String] = []
        for run in 0..<2 {
            if run == 1 { try "stale".write(to: out.appendingPathComponent("stale.csv"), atomically: true, encoding: .utf8) }
            let r = try CLI.run(["study", file.path, "--out", out.path, "--quiet", "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            results.append(try String(contentsOf: out.appendingPathComponent("results.json"), encoding: .utf8))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(".neyman-study").path))
            #expect(try parentEntries(dir) == ["out", "s.toml"])
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("stale.csv").path))
        #expect(results[0] == results[1])
        #expect(results[0].contains("\"seed\": 18446744073709551615"), "\(results[0].prefix(300))")
    }

    @Test("with several files, an error in the last one is found before the first runs")
    func allFilesCheckedFirst() throws {
        let dir = try StudyCLITests.tempDir("checkfirst")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("a.toml"), bad = dir.appendingPathComponent("b.toml")
        try StudyCLITests.power.write(to: good, atomically: true, encoding: .utf8)
        try StudyCLITests.power.replacingOccurrences(of: "seed = 3", with: "seed = -3")
            .write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", good.path, bad.path, "--out", dir.appendingPathComponent("out").path])
        #expect(r.status == 2 && r.stderr.contains("study.seed") && r.stderr.contains("b.toml"), "\(r.stderr)")
        #expect(!r.stderr.contains("at scale"), "\(r.stderr)")
        #expect(try parentEntries(dir) == ["a.toml", "b.toml"])
    }

    @Test("a run killed while it works leaves no --out directory, only the hidden partial one")
    func killedRunLeavesNothingThatLooksWhole() throws {
        let dir = try StudyCLITests.tempDir("killed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml")
        try StudyCLITests.power.replacingOccurrences(of: "quick = 400", with: "quick = 200000")
            .write(to: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["study", file.path, "--out", dir.appendingPathComponent("out").path, "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the staging directory (created before the study starts), then kill the process outright.
        var staged = false
        for _ in 0..<12_000 where !staged {
            staged = try parentEntries(dir).contains { $0.hasPrefix(".out.partial-") }
            if !staged { usleep(5_000) }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(staged)
        let entries = try parentEntries(dir)
        #expect(!entries.contains("out"), "\(entries)")
        #expect(entries.filter { $0.hasPrefix(".out.partial-") }.count == 1, "\(entries)")
    }
}
