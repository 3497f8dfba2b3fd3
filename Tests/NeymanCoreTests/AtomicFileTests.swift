import Foundation
import Testing
@testable import NeymanCore

@Suite("AtomicFile")
struct AtomicFileTests {

    @Test("writes the content, creating parent directories")
    func writes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a/b/result.json")
        try AtomicFile.write("{\"q0\": 1.5}\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"q0\": 1.5}\n")
        let bytes: [UInt8] = [0, 255, 10, 13, 0x93]
        try AtomicFile.write(Data(bytes), to: dir.file("bin"))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("bin")))) == bytes)
    }

    @Test("replaces an existing file and leaves no temporary files behind")
    func replaces() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.csv")
        try AtomicFile.write("old content that is longer than the new one\n", to: path)
        for k in 0..<5 { try AtomicFile.write("v\(k)\n", to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "v4\n")
        #expect(try dir.contents() == ["out.csv"])
    }

    @Test("a write that cannot happen is an I/O error naming the file, and leaves nothing")
    func failure() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try writeFixture("I am a file", to: dir.file("blocker"))
        let target = dir.file("blocker/inside.txt")
        let e = #expect(throws: NeymanError.self) { try AtomicFile.write("x", to: target) }
        if case .io(_, let location)? = e {
            #expect(location.file == target)
        } else {
            Issue.record("expected an I/O error, got \(String(describing: e))")
        }
        // A directory in the way of the final rename.
        try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: false)
        try writeFixture("keep", to: dir.file("taken/keep.txt"))
        #expect(throws: NeymanError.self) { try AtomicFile.write("x", to: dir.file("taken")) }
        #expect(try dir.contents() == ["blocker", "taken"])
    }
}
