import Foundation
import Testing
@testable import NeymanCore

/// Members are read where they lie in the mapped file (stored) or inflated by zlib (deflated), at any offset in the
/// archive (odd name lengths put the data at unaligned addresses), with every element type the writer has; a file and
/// the same bytes in memory read the same.
@Suite("NPZ member data")
struct NPZMemberDataTests {
    @Test(arguments: [false, true])
    func valuesAtUnalignedOffsetsAndOfEveryWrittenType(_ compressed: Bool) throws {
        let rng = RandomStream(seed: 41)
        let n = 100_003
        let doubles = (0..<n).map { i in i % 97 == 0 ? -0.0 : rng.normal(sigma: 1e5) }
        let floats = (0..<n).map { _ in Double(Float(rng.normal())) }
        let integers = (0..<n).map { _ in Double(rng.integer(below: 1 << 40)) - Double(1 << 39) }
        let bytes = (0..<n).map { _ in Double(rng.integer(below: 256)) }
        let typed: [(String, NPYArray, NPYDType)] = [
            ("a", NPYArray(doubles), .float64),
            ("bcd", NPYArray(floats), .float32),
            ("efghi", NPYArray(integers), .int64),
            ("j", try NPYArray(shape: [n, 1], values: bytes), .uint8),
            ("kl", NPYArray([]), .float64),
        ]
        let archive = try NPZArchive.encode(typed: typed, compressed: compressed)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("typed.npz")
        try writeFixture(Array(archive), to: path)
        for read in [try NPZArchive.read(path: path), try NPZArchive.decode(archive, source: "typed.npz")] {
            try #require(read.map(\.0) == typed.map(\.0))
            for ((_, expected, _), (name, got)) in zip(typed, read) {
                #expect(got.shape == expected.shape, "\(name)")
                #expect(got.values.map(\.bitPattern) == expected.values.map(\.bitPattern), "\(name)")
            }
        }
        // The stored members' data really are at unaligned offsets in the file.
        if !compressed {
            let locals = offsets(of: [0x50, 0x4B, 0x03, 0x04], in: Array(archive))
            let starts = locals.map { $0 + 30 + Int(reading(Array(archive), at: $0 + 26, as: UInt16.self))
                + Int(reading(Array(archive), at: $0 + 28, as: UInt16.self)) }
            #expect(starts.contains { $0 % 8 != 0 })
        }
    }
}
