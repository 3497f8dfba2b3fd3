import Foundation
import Testing
@testable import NeymanCore

@Suite("NPZ archives")
struct NPZTests {

    /// `numpy.savez(f, a=np.array([1.0, 2.0, 3.0]), b=np.array([4, 5, 6], dtype='<i8'))` (NumPy 2.4, stored ZIP64
    /// members).
    static let numpySavez = """
        UEsDBC0AAAAAAAAAIQAqwR1E//////////8FABQAYS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzog\
        JzxmOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAA8D8AAAAAAAAAQAAAAAAAAAhAUEsDBC0AAAAAAAAAIQDVnG/T\
        //////////8FABQAYi5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29y\
        ZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgICAKBAAAAAAAAAAFAAAAAAAAAAYAAAAAAAAAUEsBAi0DLQAAAAAAAAAhACrBHUSYAAAAmAAAAAUAAAAAAAAA\
        AAAAAIABAAAAAGEubnB5UEsBAi0DLQAAAAAAAAAhANWcb9OYAAAAmAAAAAUAAAAAAAAAAAAAAIABzwAAAGIubnB5UEsFBgAAAAAC\
        AAIAZgAAAJ4BAAAAAA==
        """

    /// `numpy.savez_compressed(f, x=np.array([0.5, 0.25]), weight=np.array([1.0, 2.0]))` (deflated members).
    static let numpySavezCompressed = """
        UEsDBC0AAAAIAAAAIQA+c4bZ//////////8FABQAeC5ucHkBABAAkAAAAAAAAABNAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6l\
        oG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC4GMHhgD6Ev2AMAUEsDBC0AAAAIAAAAIQBkW6q/\
        //////////8KABQAd2VpZ2h0Lm5weQEAEACQAAAAAAAAAEwAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoa6joJ6WX1RS\
        lJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQALgYw+GAPoRkcAFBLAQItAy0AAAAIAAAAIQA+c4bZTQAAAJAAAAAFAAAA\
        AAAAAAAAAACAAQAAAAB4Lm5weVBLAQItAy0AAAAIAAAAIQBkW6q/TAAAAJAAAAAKAAAAAAAAAAAAAACAAYQAAAB3ZWlnaHQubnB5\
        UEsFBgAAAAACAAIAawAAAAwBAAAAAA==
        """

    /// A ZIP written by Python's zipfile: `pt.npy` ([7.0, 8.0]), `notes.txt` and a directory `sub/`.
    static let mixedZip = """
        UEsDBBQAAAAAAHtheV09nuookAAAAJAAAAAGAAAAcHQubnB5k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3Jk\
        ZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgIAoAAAAAAAAcQAAAAAAAACBAUEsDBBQAAAAAAHtheV3HN4OjDAAAAAwAAAAJAAAAbm90ZXMudHh0bm90IGFu\
        IGFycmF5UEsDBBQAAAAAAHtheV0AAAAAAAAAAAAAAAAEAAAAc3ViL1BLAQIUAxQAAAAAAHtheV09nuookAAAAJAAAAAGAAAAAAAA\
        AAAAAACAAQAAAABwdC5ucHlQSwECFAMUAAAAAAB7YXldxzeDowwAAAAMAAAACQAAAAAAAAAAAAAAgAG0AAAAbm90ZXMudHh0UEsB\
        AhQDFAAAAAAAe2F5XQAAAAAAAAAAAAAAAAQAAAAAAAAAAAAQAP1B5wAAAHN1Yi9QSwUGAAAAAAMAAwCdAAAACQEAAAAA
        """

    static func bytes(_ base64: String) throws -> Data {
        try #require(Data(base64Encoded: base64))
    }

    @Test("archives written by numpy.savez and numpy.savez_compressed are read (ZIP64, stored and deflated)")
    func numpyArchives() throws {
        let stored = try NPZArchive.decode(Self.bytes(Self.numpySavez))
        try #require(stored.map(\.0) == ["a", "b"])
        #expect(stored[0].1 == NPYArray([1, 2, 3]))
        #expect(stored[1].1 == NPYArray([4, 5, 6]))

        let compressed = try NPZArchive.decode(Self.bytes(Self.numpySavezCompressed))
        try #require(compressed.map(\.0) == ["x", "weight"])
        #expect(compressed[0].1.values == [0.5, 0.25])
        #expect(compressed[1].1.values == [1, 2])
    }

    @Test("members that are not .npy files, and directories, are ignored")
    func ignoresOtherMembers() throws {
        let members = try NPZArchive.decode(Self.bytes(Self.mixedZip))
        try #require(members.map(\.0) == ["pt"])
        #expect(members[0].1.values == [7, 8])
    }

    @Test("write then read: names, order, shapes and values, stored and deflated, no temporary files left")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rng = RandomStream(seed: 5, task: 2)
        let arrays: [(String, NPYArray)] = [
            ("zeta", NPYArray((0..<1000).map { _ in rng.normal() })),
            ("alpha", try NPYArray(shape: [4, 3], values: (0..<12).map(Double.init))),
            ("empty", NPYArray([])),
            ("sub/nested", NPYArray([-0.0, .leastNonzeroMagnitude])),
        ]
        for compressed in [false, true] {
            let path = dir.file(compressed ? "c.npz" : "s.npz")
            try NPZArchive.write(arrays, to: path, compressed: compressed)
            let back = try NPZArchive.read(path: path)
            try #require(back.map(\.0) == arrays.map(\.0))
            for ((_, a), (_, b)) in zip(arrays, back) {
                #expect(a.shape == b.shape)
                #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
            }
        }
        #expect(try dir.contents() == ["c.npz", "s.npz"])
        // Deflate shrinks the regular 4x3 block and the header padding.
        let storedSize = try Data(contentsOf: URL(fileURLWithPath: dir.file("s.npz"))).count
        let compressedSize = try Data(contentsOf: URL(fileURLWithPath: dir.file("c.npz"))).count
        #expect(compressedSize < storedSize)
    }

    @Test("the same arrays always give the same bytes: member timestamps are fixed at 1980-01-01 00:00, as numpy's")
    func deterministicBytes() throws {
        let arrays: [(String, NPYArray)] = [("a", NPYArray([1, 2])), ("b", NPYArray([3]))]
        let first = Array(try NPZArchive.encode(arrays, compressed: true))
        let second = Array(try NPZArchive.encode(arrays, compressed: true))
        #expect(first == second)
        // Local file header: signature, version, flags, method, then DOS time (0x0000) and date (0x0021).
        #expect(Array(first[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(first[10..<14]) == [0x00, 0x00, 0x21, 0x00])
        let numpy = Array(try Self.bytes(Self.numpySavez))
        #expect(Array(numpy[10..<14]) == [0x00, 0x00, 0x21, 0x00])
    }

    @Test("float32 members round-trip through Float")
    func float32Members() throws {
        let data = try NPZArchive.encode([("v", NPYArray([0.1, 1e-3]))], dtype: .float32)
        let back = try NPZArchive.decode(data)
        try #require(back.count == 1)
        #expect(back[0].1.values == [Double(Float(0.1)), Double(Float(1e-3))])
    }

    /// A ZIP written by Python's zipfile whose member `x.npy` declares shape (3,) but holds only two doubles.
    static let truncatedMember = """
        UEsDBBQAAAAAAKtheV2aj9W5kAAAAJAAAAAFAAAAeC5ucHmTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRl\
        cic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgCgAAAAAAAPA/AAAAAAAAAEBQSwECFAMUAAAAAACrYXldmo/VuZAAAACQAAAABQAAAAAAAAAAAAAAgAEAAAAA\
        eC5ucHlQSwUGAAAAAAEAAQAzAAAAswAAAAAA
        """

    @Test("errors name the file and the member")
    func readErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let notZip = dir.file("plain.npz")
        try writeFixture("a,b\n1,2\n", to: notZip)
        let e1 = #expect(throws: NeymanError.self) { try NPZArchive.read(path: notZip) }
        #expect(e1?.location == ErrorLocation(file: notZip))
        #expect(e1?.message.contains("not a ZIP") == true)

        let missing = #expect(throws: NeymanError.self) { try NPZArchive.read(path: dir.file("absent.npz")) }
        #expect(missing?.location.file == dir.file("absent.npz"))
        #expect(missing?.isUserError == true)

        let truncated = dir.file("truncated.npz")
        try writeFixture(Array(try Self.bytes(Self.truncatedMember)), to: truncated)
        let e2 = #expect(throws: NeymanError.self) { try NPZArchive.read(path: truncated) }
        #expect(e2?.location == ErrorLocation(file: truncated, column: "x"))
        #expect(e2?.message
            == "member 'x.npy': truncated .npy data: shape (3,) of <f8 needs 24 bytes but the file has 16")

        // Flip one data byte of a stored member: the CRC-32 check catches it.
        var corrupted = Array(try NPZArchive.encode([("x", NPYArray([1, 2, 3]))]))
        let lastValue = le(Double(3).bitPattern)
        let at = try #require(corrupted.indices.first { i in
            i + 8 <= corrupted.count && Array(corrupted[i..<(i + 8)]) == lastValue
        })
        corrupted[at] ^= 0xFF
        let corruptPath = dir.file("corrupt.npz")
        try writeFixture(corrupted, to: corruptPath)
        let e3 = #expect(throws: NeymanError.self) { try NPZArchive.read(path: corruptPath) }
        #expect(e3?.location == ErrorLocation(file: corruptPath, column: "x"))
        #expect(e3?.message.contains("cannot extract member 'x.npy'") == true)
    }

    @Test("a damaged central directory is an error, not a silently shorter result")
    func damagedDirectory() throws {
        var bytes = Array(try Self.bytes(Self.numpySavez))
        // The second central-directory record ("PK\u{1}\u{2}") loses its signature.
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let records = bytes.indices.filter { i in i + 4 <= bytes.count && Array(bytes[i..<(i + 4)]) == signature }
        try #require(records.count == 2)
        bytes[records[1]] = 0
        let e = #expect(throws: NeymanError.self) { try NPZArchive.decode(Data(bytes), source: "x.npz") }
        #expect(e?.location == ErrorLocation(file: "x.npz"))
        #expect(e?.message == "corrupt archive: the central directory lists 2 members but 1 could be read")
    }

    @Test("a failed write (duplicate or empty names) names the file and leaves nothing behind")
    func writeErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("dup.npz")
        let dup = #expect(throws: NeymanError.self) {
            try NPZArchive.write([("a", NPYArray([1])), ("a", NPYArray([2]))], to: out)
        }
        #expect(dup?.location == ErrorLocation(file: out, column: "a"))
        let empty = #expect(throws: NeymanError.self) { try NPZArchive.write([("", NPYArray([1]))], to: out) }
        #expect(empty?.location.file == out)
        #expect(try dir.contents().isEmpty)

        // Replacing an existing archive leaves exactly the new one (no temporary files).
        try NPZArchive.write([("v", NPYArray([1]))], to: out)
        try NPZArchive.write([("w", NPYArray([2, 3]))], to: out)
        let back = try NPZArchive.read(path: out)
        try #require(back.map(\.0) == ["w"])
        #expect(back[0].1.values == [2, 3])
        #expect(try dir.contents() == ["dup.npz"])
    }

    /// `bytes` with the little-endian u32 at `offset` replaced by `value`.
    private static func patched(_ bytes: [UInt8], at offset: Int, u32 value: UInt32) -> [UInt8] {
        var out = bytes
        out.replaceSubrange(offset..<(offset + 4), with: le(value))
        return out
    }

    @Test("a central directory or member offset beyond the end of the archive is an error, not a crash")
    func offsetsBeyondTheEnd() throws {
        // Found by fuzz/ (fuzz-npz): ZIPFoundation's in-memory reader trapped ("Range requires lowerBound <=
        // upperBound") when it seeked past the end of the data, so a damaged .npz crashed `neyman`.
        let good = Array(try Self.bytes(Self.mixedZip))
        let eocd = try #require(good.indices.last { i in
            i + 4 <= good.count && Array(good[i..<(i + 4)]) == [0x50, 0x4B, 0x05, 0x06]
        })
        let directory = try #require(good.indices.first { i in
            i + 4 <= good.count && Array(good[i..<(i + 4)]) == [0x50, 0x4B, 0x01, 0x02]
        })
        let beyond = UInt32(good.count + 100)
        let cases: [(String, [UInt8])] = [
            ("directory-beyond.npz", Self.patched(good, at: eocd + 16, u32: beyond)),   // start of the directory
            ("member-beyond.npz", Self.patched(good, at: directory + 42, u32: beyond)),  // first local header
        ]
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (name, bytes) in cases {
            let expected = "corrupt archive: the central directory lists 3 members but 0 could be read"
            let inMemory = #expect(throws: NeymanError.self, "\(name)") {
                try NPZArchive.decode(Data(bytes), source: name)
            }
            #expect(inMemory?.message == expected, "\(name)")
            #expect(inMemory?.location == ErrorLocation(file: name))
            let path = dir.file(name)
            try writeFixture(bytes, to: path)
            let onDisk = #expect(throws: NeymanError.self, "\(name)") { try NPZArchive.read(path: path) }
            #expect(onDisk?.message == expected, "\(name)")
            #expect(onDisk?.location == ErrorLocation(file: path))
        }
    }
}
