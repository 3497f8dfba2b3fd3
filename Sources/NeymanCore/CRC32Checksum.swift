import CLibZ
import Foundation

/// The CRC-32 of bytes as ZIP archives store it (ISO 3309 / ITU-T V.42: polynomial 0x04C11DB7 reflected, initial
/// value and final XOR 0xFFFFFFFF; the CRC of the ASCII bytes `123456789` is 0xCBF43926), computed by zlib's
/// `crc32_z`, which works on several bytes per step (zlib's "braided" tables; hardware CRC instructions where the
/// zlib build has them) instead of one table look-up per byte.
///
/// An empty buffer has CRC 0. Any length is accepted (`crc32_z` takes a `size_t`).
enum CRC32Checksum {
    /// The CRC-32 of `bytes`.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        let crc = crc32_z(0, base.assumingMemoryBound(to: Bytef.self), bytes.count)
        return UInt32(truncatingIfNeeded: crc)
    }
}
