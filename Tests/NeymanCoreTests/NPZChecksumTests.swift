import Foundation
import Testing
@testable import NeymanCore

/// Every `.npy` member read has its CRC-32 checked against the central directory's, stored and deflated alike; a
/// mismatch is an error naming the file and the member (never a silently wrong column).
@Suite("NPZ checksums")
struct NPZChecksumTests {
    static let arrays: [(String, NPYArray)] = [
        ("pt", NPYArray((0..<5000).map { Double($0) * 0.25 - 7 })),
        ("eta", NPYArray((0..<5000).map { sin(Double($0)) })),
    ]
    static let mismatch = "cannot extract member 'eta.npy': CRC-32 mismatch (the archive is corrupt)"

    /// Read `bytes` from a file (mapped) and from memory; both must fail naming `eta`.
    static func expectMismatch(_ bytes: [UInt8], _ label: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("\(label).npz")
        try writeFixture(bytes, to: path)
        let onDisk = #expect(throws: NeymanError.self, "\(label)") { try NPZArchive.read(path: path) }
        #expect(onDisk?.message == mismatch, "\(label)")
        #expect(onDisk?.location == ErrorLocation(file: path, column: "eta"), "\(label)")
        let inMemory = #expect(throws: NeymanError.self, "\(label)") {
            try NPZArchive.decode(Data(bytes), source: "\(label).npz")
        }
        #expect(inMemory?.message == mismatch, "\(label)")
        #expect(inMemory?.location == ErrorLocation(file: "\(label).npz", column: "eta"), "\(label)")
    }

    @Test(arguments: [false, true])
    func aWrongDirectoryChecksumIsAnError(_ compressed: Bool) throws {
        let good = Array(try NPZArchive.encode(Self.arrays, compressed: compressed))
        #expect(try NPZArchive.decode(Data(good)).map(\.1) == Self.arrays.map(\.1))
        let records = offsets(of: [0x50, 0x4B, 0x01, 0x02], in: good)
        try #require(records.count == 2)
        let crc = reading(good, at: records[1] + 16, as: UInt32.self)
        try Self.expectMismatch(patching(good, at: records[1] + 16, crc ^ 0x0000_0100),
                                compressed ? "deflated-crc" : "stored-crc")
    }

    @Test("one flipped bit in a stored member's data, read in place from the mapped file")
    func aFlippedDataBitIsAnError() throws {
        var bytes = Array(try NPZArchive.encode(Self.arrays))
        let value = le(sin(Double(4321)).bitPattern)   // an element of eta, found in the archive
        let at = try #require(bytes.indices.first { i in i + 8 <= bytes.count && Array(bytes[i..<(i + 8)]) == value })
        bytes[at + 3] ^= 0x10
        try Self.expectMismatch(bytes, "stored-bit")
    }

    /// A member large enough (over ``NPZArchive/concurrentChecksumBytes`` and ``HugePages/threshold``) that its CRC is
    /// computed on a second thread while it is decoded into huge-page-advised memory: read back exactly, and one
    /// flipped bit is still the CRC error, not whatever the decoding made of the bytes.
    @Test func aLargeMemberIsCheckedWhileItIsDecoded() throws {
        let n = 700_000   // 5.6 MB of float64
        let big: [(String, NPYArray)] = [("pt", NPYArray((0..<n).map { Double($0) * 0.5 - 3 })),
                                         ("eta", NPYArray((0..<n).map { cos(Double($0)) }))]
        var bytes = Array(try NPZArchive.encode(big))
        #expect(try NPZArchive.decode(Data(bytes)).map(\.1) == big.map(\.1))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("big.npz")
        try writeFixture(bytes, to: path)
        #expect(try NPZArchive.read(path: path).map(\.1) == big.map(\.1))
        let value = cos(Double(654_321)).bitPattern   // an element of eta, found in the archive
        let at = try #require(bytes.withUnsafeBytes { raw in
            (0..<(raw.count - 8)).first { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt64.self)) == value }
        })
        bytes[at + 6] ^= 0x01
        try Self.expectMismatch(bytes, "large-stored-bit")
    }
}
