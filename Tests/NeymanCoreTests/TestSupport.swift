import Foundation
@testable import NeymanCore

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("neyman-core-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// The full path of `name` inside the directory.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Every entry of the directory, hidden ones included, sorted.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Write raw bytes to `path` (test fixtures only; the code under test writes through AtomicFile).
func writeFixture(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func writeFixture(_ text: String, to path: String) throws {
    try writeFixture(Array(text.utf8), to: path)
}

/// Little-endian bytes of a fixed-width integer.
func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// A .npy file built by hand the way numpy's format.py lays it out, version 1.0: the magic string, the version,
/// a little-endian u16 header length, then the dict padded with spaces so that the total prefix (magic + version +
/// length + dict + padding + "\n") is a multiple of 64 bytes.
func handMadeNPY(descr: String, fortran: Bool = false, shape: String, data: [UInt8], alignment: Int = 64) -> [UInt8] {
    let dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    var header = Array(dict.utf8)
    while (10 + header.count + 1) % alignment != 0 { header.append(0x20) }
    header.append(0x0A)
    return [0x93] + Array("NUMPY".utf8) + [1, 0] + le(UInt16(header.count)) + header + data
}

/// The offsets at which `signature` occurs in `bytes` (ZIP record signatures: `PK\1\2` central-directory records,
/// `PK\3\4` local headers).
func offsets(of signature: [UInt8], in bytes: [UInt8]) -> [Int] {
    guard bytes.count >= signature.count else { return [] }
    return (0...(bytes.count - signature.count)).filter { i in Array(bytes[i..<(i + signature.count)]) == signature }
}

/// `bytes` with the little-endian integer at `offset` replaced by `value`.
func patching<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
    var out = bytes
    out.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: le(value))
    return out
}

/// The little-endian integer at `offset` of `bytes`.
func reading<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
    (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[offset + $1]) << (8 * $1) }
}
