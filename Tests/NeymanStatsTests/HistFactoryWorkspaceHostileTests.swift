import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// Every file of Tests/Fixtures/hostile/workspaces (written by make_hostile.py there: the valid base workspace with
/// one fault each) must be rejected as invalid input whose key is the JSON path of the fault and whose message
/// says what it is (EXPECTED.tsv lists both per file).
@Suite("hostile pyhf workspaces")
struct HistFactoryWorkspaceHostileTests {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile/workspaces")
    }

    static func hostileFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// file -> (key, message fragment)
    static func expectations() throws -> [String: (key: String, fragment: String)] {
        let text = try String(contentsOf: folder.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)
        var out: [String: (String, String)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if cells.count == 3 { out[cells[0]] = (cells[1], cells[2]) }
        }
        return out
    }

    @Test func theBaseWorkspaceIsValid() throws {
        let ws = try HistFactoryWorkspace.load(path: Self.folder.appendingPathComponent("valid/base.workspace.json").path)
        #expect(ws.model.binCount == 3)
        #expect(ws.model.parameters[ws.model.poiIndex].name == "mu")
        #expect(ws.data.main == [210, 58, 36])
    }

    @Test func everyHostileFileIsRejectedNamingItsJSONPath() throws {
        let files = try Self.hostileFiles()
        #expect(files.count >= 50, "the hostile folder holds \(files.count) workspaces")
        let expected = try Self.expectations()
        #expect(Set(expected.keys) == Set(files), "EXPECTED.tsv and the folder list different files")
        for file in files {
            let path = Self.folder.appendingPathComponent(file).path
            do {
                _ = try HistFactoryWorkspace.load(path: path)
                Issue.record("\(file): accepted")
            } catch let e as NeymanError {
                guard case .invalidInput(let message, let location) = e else {
                    Issue.record("\(file): not an invalid-input error: \(e)")
                    continue
                }
                #expect(location.file == path, "\(file): \(e)")
                #expect(location.key == expected[file]?.key, "\(file): key \(location.key ?? "nil"), expected \(expected[file]?.key ?? "?"): \(e)")
                #expect(message.contains(expected[file]?.fragment ?? "\u{0}"), "\(file): \(e)")
                #expect(!e.description.contains("\n"), "\(file): the message spans lines")
            }
        }
    }

    /// The syntax errors give the line and column where the problem is, counted independently here.
    @Test func syntaxErrorsGiveLineAndColumn() throws {
        for file in try Self.hostileFiles() where file.hasPrefix("syntax_") {
            do {
                _ = try HistFactoryWorkspace.load(path: Self.folder.appendingPathComponent(file).path)
                Issue.record("\(file): accepted")
            } catch let e as NeymanError {
                let m = e.message
                #expect(m.range(of: #"^invalid JSON at line [0-9]+, column [0-9]+: "#, options: .regularExpression) != nil, "\(file): \(m)")
            }
        }
    }
}
