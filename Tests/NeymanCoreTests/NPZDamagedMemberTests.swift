import Foundation
import Testing
@testable import NeymanCore

/// A member whose directory record promises what its data cannot give is an error naming the file and the member,
/// never a crash, an over-read or a huge allocation: data past the end of the file, a stored member whose two sizes
/// differ, an unknown compression method, encryption, corrupt deflate data, and deflate data that inflate to another
/// size than declared (or to more than deflate can reach).
@Suite("NPZ damaged members")
struct NPZDamagedMemberTests {
    static let values = (0..<2000).map { Double($0) / 3 }

    /// The archive of one member `x.npy` and the offsets of its central-directory record and local header.
    static func archive(compressed: Bool) throws -> (bytes: [UInt8], record: Int, local: Int) {
        let bytes = Array(try NPZArchive.encode([("x", NPYArray(values))], compressed: compressed))
        let records = offsets(of: [0x50, 0x4B, 0x01, 0x02], in: bytes)
        let locals = offsets(of: [0x50, 0x4B, 0x03, 0x04], in: bytes)
        try #require(records.count == 1 && locals.count == 1)
        return (bytes, records[0], locals[0])
    }

    static func expectError(_ bytes: [UInt8], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let e = #expect(throws: NeymanError.self, sourceLocation: sourceLocation) {
            try NPZArchive.decode(Data(bytes), source: "damaged.npz")
        }
        #expect(e?.message == "cannot extract member 'x.npy': \(reason)", sourceLocation: sourceLocation)
        #expect(e?.location == ErrorLocation(file: "damaged.npz", column: "x"), sourceLocation: sourceLocation)
    }

    /// Where the member's data start: after the local header and its own name and extra field.
    static func dataStart(_ bytes: [UInt8], local: Int) -> Int {
        local + 30 + Int(reading(bytes, at: local + 26, as: UInt16.self)) + Int(reading(bytes, at: local + 28, as: UInt16.self))
    }

    @Test func storedMembers() throws {
        let (good, record, local) = try Self.archive(compressed: false)
        #expect(try NPZArchive.decode(Data(good))[0].1.values == Self.values)
        let size = Int(reading(good, at: record + 24, as: UInt32.self))
        // Both sizes enlarged past the end of the file.
        let huge = UInt32(0x7FFF_0000)
        let past = patching(patching(good, at: record + 20, huge), at: record + 24, huge)
        Self.expectError(past, "its data (\(huge) bytes at offset \(Self.dataStart(good, local: local))) runs past the "
                         + "end of the archive (\(good.count) bytes)")
        // Only the compressed size changed.
        Self.expectError(patching(good, at: record + 20, UInt32(size - 1)),
                         "it is stored, yet its compressed size (\(size - 1) bytes) differs from its uncompressed size (\(size))")
        // Method 12 (bzip2), and the encryption flag.
        Self.expectError(patching(good, at: record + 10, UInt16(12)), "unsupported compression method 12 (only 0, stored, and 8, deflated)")
        let flags = reading(good, at: record + 8, as: UInt16.self)
        Self.expectError(patching(good, at: record + 8, flags | 1), "it is encrypted, which is not supported")
    }

    @Test func deflatedMembers() throws {
        let (good, record, local) = try Self.archive(compressed: true)
        #expect(try NPZArchive.decode(Data(good))[0].1.values == Self.values)
        let compressed = Int(reading(good, at: record + 20, as: UInt32.self))
        let size = Int(reading(good, at: record + 24, as: UInt32.self))
        let dataStart = Self.dataStart(good, local: local)
        // A first block of the reserved type 3 (BFINAL = 1, BTYPE = 11).
        Self.expectError(patching(good, at: dataStart, UInt8(0x07)), "corrupt deflate data (invalid block type)")
        // Declared sizes other than the real one.
        Self.expectError(patching(good, at: record + 24, UInt32(size + 100)),
                         "it inflates to \(size) bytes, not the \(size + 100) it declares")
        Self.expectError(patching(good, at: record + 24, UInt32(size - 1)),
                         "it inflates to more than the \(size - 1) bytes it declares")
        let claimed = UInt32(0x7000_0000)
        Self.expectError(patching(good, at: record + 24, claimed),
                         "it declares \(claimed) uncompressed bytes, more than its \(compressed) deflated bytes can hold")
        // The stream cut short: the directory says fewer compressed bytes than the stream needs.
        let cut = #expect(throws: NeymanError.self) {
            try NPZArchive.decode(Data(patching(good, at: record + 20, UInt32(compressed / 2))), source: "damaged.npz")
        }
        #expect(cut?.message.hasPrefix("cannot extract member 'x.npy': its deflate data ends early (after ") == true)
        #expect(cut?.message.hasSuffix(" of \(size) bytes)") == true)
        #expect(cut?.location == ErrorLocation(file: "damaged.npz", column: "x"))
    }
}
