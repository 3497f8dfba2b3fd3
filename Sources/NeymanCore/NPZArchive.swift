import Foundation
import ZIPFoundation

/// Reads and writes NumPy's `.npz` archives: a ZIP file whose members are `.npy` files (``NPYFormat``), one per named
/// array, as written by `numpy.savez` (members stored) and `numpy.savez_compressed` (members deflated).
///
/// ```
///   data.npz (ZIP)
///   ├── pt.npy        -> ("pt",  NPYArray)
///   ├── eta.npy       -> ("eta", NPYArray)
///   └── README.txt    (ignored: not a .npy member)
/// ```
///
/// Reading keeps archive order, drops the `.npy` suffix from member names, ignores directories, symbolic links and
/// members whose names do not end in `.npy`, and accepts ZIP64 archives (NumPy writes every member with ZIP64
/// extensions) and both stored and deflated members; checksums are verified. Each member must satisfy
/// ``NPYFormat``'s reader (1 to 4 dimensions, a supported little-endian dtype, C order). The archive is read by
/// ``ZIPDirectory`` (central directory), ``RawInflate`` and ``CRC32Checksum`` (zlib); ZIPFoundation writes it.
///
/// Writing builds the archive in memory and puts it in place with ``AtomicFile``, so a reader never sees a partial
/// archive and a failed write leaves no file behind (and the previous version, if any, intact). Member timestamps
/// are fixed at 1980-01-01 00:00 (as NumPy does), so the same arrays always give the same bytes.
public enum NPZArchive {

    /// Read every `.npy` member of the archive at `path`, in archive order, as `(name without .npy, array)`.
    ///
    /// The file is mapped into memory (``MappedFile``); a stored member is checked and decoded where it lies, with
    /// no copy of its bytes, a deflated one is inflated by zlib (``RawInflate``). Every member read has its CRC-32
    /// (``CRC32Checksum``, zlib's `crc32`) compared with the central directory's.
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` if the file cannot be read; ``NeymanError/invalidInput(_:_:)`` naming
    ///   `path` if it is not a ZIP archive, its central directory cannot be read as far as it declares, a member
    ///   cannot be extracted (bad CRC-32, data past the end of the file, encrypted, unknown compression, corrupt
    ///   deflate data), two members have the same name, or a member is not a readable `.npy` file (the message names
    ///   the member, and the error's column is the member's name without `.npy`).
    public static func read(path: String) throws -> [(String, NPYArray)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NeymanError.ioError("cannot open for reading: No such file or directory", file: path)
        }
        if isDirectory.boolValue { throw NeymanError.ioError("cannot read: it is a directory", file: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw NeymanError.ioError("cannot open for reading: permission denied", file: path)
        }
        let file = try MappedFile(path: path)
        return try file.withBytes { try decode($0, source: path) }
    }

    /// Decode `.npz` bytes held in memory (same rules and errors as ``read(path:)``).
    ///
    /// - Parameter source: the file name used in error locations (`nil`: none).
    public static func decode(_ data: Data, source: String? = nil) throws -> [(String, NPYArray)] {
        try data.withUnsafeBytes { try decode($0, source: source) }
    }

    /// The archive `bytes`: each `.npy` file member checked and decoded in archive order.
    static func decode(_ bytes: UnsafeRawBufferPointer, source: String?) throws -> [(String, NPYArray)] {
        let listing: ZIPDirectory.Listing
        do {
            listing = try ZIPDirectory.read(bytes)
        } catch let e as ZIPDirectory.NotAnArchive {
            throw NeymanError.invalid("not a ZIP (.npz) archive: \(e.reason)", file: source)
        }
        var result: [(String, NPYArray)] = []
        var seen = Set<String>()
        for member in listing.members {
            guard member.kind == .file && member.name.hasSuffix(".npy") else { continue }
            let name = String(member.name.dropLast(4))
            if !seen.insert(name).inserted {
                throw NeymanError.invalid("the archive has two members named '\(member.name)'", file: source,
                                          column: name)
            }
            func fail(_ reason: String) -> NeymanError {
                NeymanError.invalid("cannot extract member '\(member.name)': \(reason)", file: source, column: name)
            }
            let array = try withMemberBytes(member, in: bytes, fail: fail) { content in
                // A large member's CRC is computed on a second thread while it is decoded (its bytes are only
                // read by both); a mismatch is reported before anything the decoding found.
                let (crc, decoded) = checksumWhileDecoding(content)
                if crc != member.crc32 {
                    throw fail("CRC-32 mismatch (the archive is corrupt)")
                }
                do {
                    return try decoded.get()
                } catch let e as NeymanError {
                    throw NeymanError.invalid("member '\(member.name)': \(e.message)", file: source, column: name)
                }
            }
            result.append((name, array))
        }
        // A central-directory record that cannot be read ends the listing early: compare with the count the end
        // record declares, so a damaged archive is an error, not a shorter result.
        if listing.declaredCount != UInt64(listing.members.count) {
            throw NeymanError.invalid(
                "corrupt archive: the central directory lists \(listing.declaredCount) members but "
                    + "\(listing.members.count) could be read", file: source)
        }
        return result
    }

    /// Members from this size on have their CRC-32 computed on a second thread while they are decoded.
    static let concurrentChecksumBytes = 1 << 20

    /// The CRC-32 of `content` and its decoding as an `.npy` file, on two threads at once for a large member (the CRC
    /// is a quarter to a third of reading a stored member); the result is the same either way.
    private static func checksumWhileDecoding(_ content: UnsafeRawBufferPointer) -> (UInt32, Result<NPYArray, Error>) {
        guard content.count >= concurrentChecksumBytes, ThreadCount.available > 1 else {
            return (CRC32Checksum.of(content), Result { try NPYFormat.decode(content, source: nil) })
        }
        // Each task writes its own variable; both are read after concurrentPerform has joined the tasks.
        nonisolated(unsafe) var crc: UInt32 = 0
        nonisolated(unsafe) var decoded: Result<NPYArray, Error> = .failure(CancellationError())
        let bytes = SendableBytes(content)
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                crc = CRC32Checksum.of(bytes.buffer)
            } else {
                decoded = Result { try NPYFormat.decode(bytes.buffer, source: nil) }
            }
        }
        return (crc, decoded)
    }

    /// Read-only bytes shared by the two tasks of ``checksumWhileDecoding(_:)``.
    private struct SendableBytes: @unchecked Sendable {
        let buffer: UnsafeRawBufferPointer
        init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
    }

    /// Call `body` with the uncompressed bytes of `member`: a stored member's bytes where they lie in `archive`, a
    /// deflated member's inflated into a new buffer.
    ///
    /// - Throws: `fail(reason)` when the member is encrypted, uses another compression method, its data runs past the
    ///   end of the archive, or it does not inflate to its declared size; whatever `body` throws.
    private static func withMemberBytes<R>(_ member: ZIPDirectory.Member, in archive: UnsafeRawBufferPointer,
                                           fail: (String) -> NeymanError,
                                           _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if member.isEncrypted { throw fail("it is encrypted, which is not supported") }
        guard member.method == 0 || member.method == 8 else {
            throw fail("unsupported compression method \(member.method) (only 0, stored, and 8, deflated)")
        }
        if member.method == 0 && member.compressedSize != member.uncompressedSize {
            throw fail("it is stored, yet its compressed size (\(member.compressedSize) bytes) differs from its "
                       + "uncompressed size (\(member.uncompressedSize))")
        }
        let size = UInt64(archive.count)
        guard member.dataOffset <= size, member.compressedSize <= size - member.dataOffset else {
            throw fail("its data (\(member.compressedSize) bytes at offset \(member.dataOffset)) runs past the end "
                       + "of the archive (\(size) bytes)")
        }
        let start = Int(member.dataOffset), count = Int(member.compressedSize)
        let data = UnsafeRawBufferPointer(rebasing: archive[start..<(start + count)])
        if member.method == 0 { return try body(data) }
        guard let expected = Int(exactly: member.uncompressedSize) else {
            throw fail("it declares \(member.uncompressedSize) uncompressed bytes")
        }
        let inflated: [UInt8]
        do {
            inflated = try RawInflate.inflate(data, size: expected)
        } catch let e as RawInflate.Failure {
            throw fail(e.reason)
        }
        return try inflated.withUnsafeBytes { try body($0) }
    }

    /// Encode named arrays as `.npz` bytes: member `name.npy` per array, in the given order, each encoded by
    /// ``NPYFormat/encode(_:dtype:)``.
    ///
    /// - Parameters:
    ///   - compressed: deflate the members (as `numpy.savez_compressed`); otherwise store them (as `numpy.savez`).
    ///   - dtype: ``NPYDType/float64`` (default) or ``NPYDType/float32``.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for an empty or repeated name, or an unsupported dtype.
    public static func encode(_ arrays: [(String, NPYArray)], compressed: Bool = false,
                              dtype: NPYDType = .float64) throws -> Data {
        try encode(typed: arrays.map { ($0.0, $0.1, dtype) }, compressed: compressed)
    }

    /// Encode named arrays, each with its own element type (``NPYFormat/encode(_:dtype:)``), as `.npz` bytes.
    public static func encode(typed arrays: [(String, NPYArray, NPYDType)], compressed: Bool = false) throws -> Data {
        var seen = Set<String>()
        for (name, _, _) in arrays {
            if name.isEmpty { throw NeymanError.invalid("an array name is empty") }
            if !seen.insert(name).inserted {
                throw NeymanError.invalid("duplicate array name '\(name)'", column: name)
            }
        }
        let date = Calendar(identifier: .gregorian).date(from: DateComponents(year: 1980, month: 1, day: 1)) ?? Date()
        do {
            let archive = try Archive(accessMode: .create)
            for (name, array, dtype) in arrays {
                let member = try NPYFormat.encode(array, dtype: dtype)
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(member.count),
                                     modificationDate: date,
                                     compressionMethod: compressed ? .deflate : .none) { position, size in
                    let start = Int(position)
                    return member.subdata(in: start..<min(start + size, member.count))
                }
            }
            guard let data = archive.data else {
                throw NeymanError.ioError("the in-memory ZIP archive has no data")
            }
            return data
        } catch let e as NeymanError {
            throw e
        } catch {
            throw NeymanError.ioError("cannot build the ZIP archive: \(error)")
        }
    }

    /// Write named arrays to `path` as `.npz` (see ``encode(_:compressed:dtype:)``), atomically via ``AtomicFile``.
    ///
    /// - Throws: as ``encode(_:compressed:dtype:)``, and ``NeymanError/io(_:_:)`` if the file cannot be written;
    ///   every error names `path`.
    public static func write(_ arrays: [(String, NPYArray)], to path: String, compressed: Bool = false,
                             dtype: NPYDType = .float64) throws {
        let data: Data
        do {
            data = try encode(arrays, compressed: compressed, dtype: dtype)
        } catch let e as NeymanError {
            throw e.inFile(path)
        }
        try AtomicFile.write(data, to: path)
    }

    /// Write named arrays with their own element types to `path` as `.npz`, atomically.
    public static func write(typed arrays: [(String, NPYArray, NPYDType)], to path: String, compressed: Bool = false) throws {
        let data: Data
        do {
            data = try encode(typed: arrays, compressed: compressed)
        } catch let e as NeymanError {
            throw e.inFile(path)
        }
        try AtomicFile.write(data, to: path)
    }
}
