import Foundation
import Testing

/// Every CSV-reading verb over the hostile corpus (Tests/Fixtures/hostile/csv): malformed files exit 2 with one
/// line naming the file, never a signal; files that are odd but valid (lone-CR line ends, BOM + CRLF, mixed line
/// ends) are read whole. The lone-CR files once overflowed the CSV reader's row buffer (SIGILL, "double free", or
/// with 3 rows exit 0 after the overflow).
@Suite("hostile CSV corpus over every CSV verb")
struct HostileCorpusCLITests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile/csv")

    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "csv" }.sorted { $0.path < $1.path }
    }

    /// The verbs that read events from a CSV, each as arguments for input `f` and a scratch output directory.
    static func invocations(_ f: String, scratch: String) -> [(verb: String, args: [String])] {
        [
            ("auc", ["auc", "--input", f, "--score", "score", "--label", "label", "--format", "json"]),
            ("dcor", ["dcor", "--input", f, "--x", "x", "--y", "y", "--format", "json"]),
            ("reweight", ["reweight", "--input", f, "--columns", "x", "--flatten", "--bins", "4", "--range", "-3:3",
                          "--out", scratch + "/rw.csv", "--format", "json"]),
            ("sweights", ["sweights", "--input", f, "--mass", "m", "--range", "80,100", "--signal", "gauss",
                          "--background", "exponential", "--out", scratch + "/sw.csv", "--format", "json"]),
        ]
    }

    @Test("the corpus is there and holds both kinds of file")
    func corpusIsPresent() {
        let names = Self.files.map(\.lastPathComponent)
        #expect(names.filter { $0.hasPrefix("invalid-") }.count >= 10, "\(names)")
        #expect(names.filter { $0.hasPrefix("valid-") }.count >= 3, "\(names)")
    }

    @Test("malformed files: exit 2, one line naming the file, no signal", arguments: files.filter { $0.lastPathComponent.hasPrefix("invalid-") })
    func malformedFilesExitTwo(_ file: URL) throws {
        let scratch = try StudyCLITests.tempDir("hostile")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (verb, args) in Self.invocations(file.path, scratch: scratch.path) {
            let r = try CLI.run(args)
            #expect(!r.signalled, "\(verb) \(file.lastPathComponent): killed by a signal")
            #expect(r.status == 2, "\(verb) \(file.lastPathComponent): exit \(r.status), \(r.stderr)")
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count == 1 && lines[0].hasPrefix("neyman: error:") && r.stderr.contains(file.lastPathComponent),
                    "\(verb) \(file.lastPathComponent): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(verb) \(file.lastPathComponent): stdout \(r.stdout)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/rw.csv"))
        }
    }

    @Test("odd but valid files are read whole by every verb", arguments: files.filter { $0.lastPathComponent.hasPrefix("valid-") })
    func validFilesAreReadWhole(_ file: URL) throws {
        let scratch = try StudyCLITests.tempDir("hostile-valid")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let expectedRows = file.lastPathComponent.contains("3rows") ? 3 : 60
        for (verb, args) in Self.invocations(file.path, scratch: scratch.path) {
            let r = try CLI.run(args)
            #expect(!r.signalled, "\(verb) \(file.lastPathComponent): killed by a signal")
            if verb == "sweights" {
                // A 2-component mass fit on 3 to 60 uniform events may legitimately fail to converge (exit 1).
                #expect(r.status == 0 || r.status == 1, "\(verb): exit \(r.status), \(r.stderr)")
                continue
            }
            #expect(r.status == 0, "\(verb) \(file.lastPathComponent): \(r.stderr)")
            let json = try #require(r.json, "\(verb) \(file.lastPathComponent): \(r.stdout)")
            #expect(json["n"] as? Int == expectedRows, "\(verb) \(file.lastPathComponent): \(json)")
        }
    }

    @Test("a directory, a missing file and an unreadable path are described in words, naming the path")
    func fileSystemErrorsInWords() throws {
        let dir = try StudyCLITests.tempDir("fs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let asDir = dir.appendingPathComponent("events.csv")
        try FileManager.default.createDirectory(at: asDir, withIntermediateDirectories: true)
        let missing = dir.appendingPathComponent("missing.csv")
        for (path, words) in [(asDir.path, "directory"), (missing.path, "no such file")] {
            for (verb, args) in Self.invocations(path, scratch: dir.path) {
                let r = try CLI.run(args)
                #expect(r.status == 2 && r.stderr.contains(path) && r.stderr.lowercased().contains(words)
                        && !r.stderr.contains("NSCocoaErrorDomain"), "\(verb): \(r.stderr)")
            }
        }
    }

    @Test("an output that is the input is refused before anything is written")
    func outputOverInputRefused() throws {
        let dir = try StudyCLITests.tempDir("overwrite")
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = dir.appendingPathComponent("events.csv")
        try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent("valid-crlf-bom.csv"), to: events)
        let before = try Data(contentsOf: events)
        let alias = dir.path + "/./../" + dir.lastPathComponent + "/events.csv"
        let cases: [[String]] = [
            ["auc", "--input", events.path, "--score", "score", "--label", "label", "--roc", alias],
            ["reweight", "--input", events.path, "--columns", "x", "--flatten", "--bins", "4", "--range", "-3:3", "--out", alias],
            ["reweight", "--input", dir.path + "/other.csv", "--columns", "x", "--target", events.path, "--method", "histogram",
             "--bins", "4", "--out", events.path],
            ["sweights", "--input", events.path, "--mass", "m", "--range", "80,100", "--signal", "gauss",
             "--background", "exponential", "--out", alias],
        ]
        for args in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.contains("same file"), "\(args[0]): \(r.stderr)")
            #expect(try Data(contentsOf: events) == before)
        }
    }
}
