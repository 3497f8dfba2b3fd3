import Foundation
import Testing
@testable import NeymanCore

/// zlib's CRC-32 against the standard check value and a bit-by-bit implementation of the ZIP CRC (reflected
/// polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF) written out here.
@Suite("CRC-32 (zlib)")
struct CRC32ChecksumTests {
    static func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    @Test func checkValueAndEmpty() {
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32Checksum.of($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32Checksum.of($0) } == 0)
        #expect(Self.bitwiseCRC32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("random buffers of many lengths and start offsets, up to a megabyte")
    func matchesTheBitwiseDefinition() {
        let rng = RandomStream(seed: 3)
        let big = (0..<(1 << 20) + 13).map { _ in UInt8(rng.integer(below: 256)) }
        for length in Array(0..<80) + [255, 256, 257, 4095, 65_537, big.count - 7] {
            for start in [0, 1, 3, 7] where start + length <= big.count {
                let slice = Array(big[start..<(start + length)])
                let fast = big.withUnsafeBytes { CRC32Checksum.of(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(fast == Self.bitwiseCRC32(slice), "length \(length), start \(start)")
            }
        }
    }
}
