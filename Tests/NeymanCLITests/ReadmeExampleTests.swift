import Foundation
import Testing

/// The README's worked examples run as written: every `$ neyman ...` line of a section is run from the repository
/// root, must exit 0, and must print what the README shows below it (a `...` in the README stands for any text).
@Suite("README worked examples", .serialized)
struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The commands of the first ```sh block under the heading `heading`, each with the output lines shown after it.
    static func commands(under heading: String) throws -> [(args: [String], expected: [String])] {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = text.range(of: "## \(heading)\n") else { throw CocoaError(.fileReadCorruptFile) }
        let rest = text[start.upperBound...]
        guard let open = rest.range(of: "```sh\n"), let close = rest[open.upperBound...].range(of: "```") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var out: [(args: [String], expected: [String])] = []
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("$ neyman ") {
                out.append((line.dropFirst("$ neyman ".count).split(separator: " ").map(String.init), []))
            } else if !line.isEmpty, !out.isEmpty {
                out[out.count - 1].expected.append(String(line))
            }
        }
        return out
    }

    /// Whether `actual` matches `expected`, where each `...` in `expected` stands for any text.
    static func matches(_ actual: String, _ expected: String) -> Bool {
        let pieces = expected.components(separatedBy: "...")
        if pieces.count == 1 { return actual == expected }
        guard actual.hasPrefix(pieces[0]) else { return false }
        var rest = actual.dropFirst(pieces[0].count)
        for (k, piece) in pieces.enumerated().dropFirst() {
            if k == pieces.count - 1 && !piece.isEmpty { return rest.hasSuffix(piece) }
            guard let r = rest.range(of: piece) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    @Test func unbinnedAnalysisExampleRunsAsWritten() throws {
        let commands = try Self.commands(under: "Worked example: your own unbinned analysis")
        #expect(commands.count == 4)
        for (args, expected) in commands {
            let resolved = args.map { $0.hasPrefix("docs/") ? Self.root.appendingPathComponent($0).path : $0 }
            let out = try CLI.run(resolved)
            #expect(out.status == 0, "neyman \(args.joined(separator: " ")): \(out.stderr)")
            let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
            #expect(lines.count >= expected.count, "neyman \(args.joined(separator: " ")) printed \(out.stdout)")
            for (a, e) in zip(lines, expected) {
                #expect(Self.matches(a, e), "neyman \(args.joined(separator: " ")):\n  README: \(e)\n  actual: \(a)")
            }
        }
    }

    @Test func ellipsisMatching() {
        #expect(Self.matches("{\"a\":1.2345,\"b\":2}", "{\"a\":1.23...}"))
        #expect(!Self.matches("{\"a\":1.2445,\"b\":2}", "{\"a\":1.23...}"))
        #expect(Self.matches("x = 1", "x = 1"))
        #expect(!Self.matches("x = 12", "x = 1"))
    }
}
