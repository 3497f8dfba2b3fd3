import Foundation

/// Bounds-checked little-endian reads from a byte buffer: `nil` for any read that would go outside it.
struct LittleEndianBytes {
    /// The buffer read from.
    let bytes: UnsafeRawBufferPointer

    /// The unsigned 16-bit integer at byte `at`, as an `Int`.
    func u16(_ at: Int) -> Int? {
        guard at >= 0, at <= bytes.count - 2 else { return nil }
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    /// The unsigned 32-bit integer at byte `at`.
    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at <= bytes.count - 4 else { return nil }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    /// The unsigned 64-bit integer at byte `at`.
    func u64(_ at: Int) -> UInt64? {
        guard at >= 0, at <= bytes.count - 8 else { return nil }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// The range `at ..< at + length` when it lies within the buffer.
    func slice(_ at: Int, _ length: Int) -> Range<Int>? {
        guard at >= 0, length >= 0, at <= bytes.count - length else { return nil }
        return at..<(at + length)
    }
}
