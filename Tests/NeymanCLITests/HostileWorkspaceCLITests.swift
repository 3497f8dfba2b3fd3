import Foundation
import Testing

/// The four workspace verbs over every hostile workspace (Tests/Fixtures/hostile/workspaces, one fault each; the
/// expected JSON path is in EXPECTED.tsv there): exit 2, one line naming the file and the JSON path, no signal,
/// nothing on stdout. The valid base workspace gives exit 0.
@Suite("hostile workspaces over every workspace verb")
struct HostileWorkspaceCLITests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile/workspaces")

    /// (file name, expected key) from EXPECTED.tsv.
    static var cases: [(String, String)] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            return f.count >= 2 ? (String(f[0]), String(f[1])) : nil
        }
    }

    static let verbs = ["cls", "upper-limit", "significance", "fit"]

    @Test("the corpus is listed and non-empty")
    func corpusIsListed() {
        #expect(Self.cases.count >= 50)
    }

    @Test("every hostile workspace: exit 2 naming the file and the JSON path, for every verb")
    func everyVerbRefusesEveryHostileWorkspace() throws {
        let cases = Self.cases
        try #require(!cases.isEmpty)
        for (name, key) in cases {
            let path = Self.folder.appendingPathComponent(name).path
            for verb in Self.verbs {
                let r = try CLI.run([verb, "--workspace", path, "--format", "json"])
                #expect(!r.signalled, "\(verb) \(name): killed by a signal")
                #expect(r.status == 2, "\(verb) \(name): exit \(r.status): \(r.stderr)")
                let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
                #expect(lines.count == 1 && r.stderr.contains(name) && (key == "$" || r.stderr.contains(key)),
                        "\(verb) \(name) (expected key \(key)): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(verb) \(name): \(r.stdout)")
            }
        }
    }

    @Test("the valid base workspace works with every verb")
    func baseWorkspaceWorks() throws {
        let path = Self.folder.appendingPathComponent("valid/base.workspace.json").path
        for verb in Self.verbs {
            let r = try CLI.run([verb, "--workspace", path, "--format", "json"])
            #expect(r.status == 0 && r.json != nil, "\(verb): \(r.stderr)")
        }
    }
}
