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
/// Reading keeps archive order, drops the `.npy` suffix from member names, ignores directories and members whose
/// names do not end in `.npy`, and accepts ZIP64 archives (NumPy writes every member with ZIP64 extensions) and both
/// stored and deflated members; checksums are verified. Each member must satisfy ``NPYFormat``'s reader (1-D or
/// 2-D, a supported little-endian dtype, C order).
///
/// Writing builds the archive in memory and puts it in place with ``AtomicFile``, so a reader never sees a partial
/// archive and a failed write leaves no file behind (and the previous version, if any, intact). Member timestamps
/// are fixed at 1980-01-01 00:00 (as NumPy does), so the same arrays always give the same bytes.
public enum NPZArchive {

    /// Read every `.npy` member of the archive at `path`, in archive order, as `(name without .npy, array)`.
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` if the file cannot be read; ``NeymanError/invalidInput(_:_:)`` naming
    ///   `path` if it is not a ZIP archive, a member cannot be extracted (bad checksum, unknown compression), two
    ///   members have the same name, or a member is not a readable `.npy` file (the message names the member).
    public static func read(path: String) throws -> [(String, NPYArray)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NeymanError.ioError("cannot open for reading: No such file or directory", file: path)
        }
        if isDirectory.boolValue { throw NeymanError.ioError("cannot read: it is a directory", file: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw NeymanError.ioError("cannot open for reading: permission denied", file: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw FileSystemError.readError(path, underlying: error)
        }
        return try decode(fileAt: URL(fileURLWithPath: path), bytes: data, source: path)
    }

    /// Decode `.npz` bytes held in memory (same rules and errors as ``read(path:)``).
    ///
    /// The bytes are read through a private temporary file (removed before returning), exactly as ``read(path:)``
    /// reads a file: ZIPFoundation's in-memory archives trap (a crash, not an error) on a central-directory or
    /// member offset beyond the end of the data, and leak the whole buffer when the data is not a ZIP archive.
    ///
    /// - Parameter source: the file name used in error locations (`nil`: none).
    /// - Throws: as ``read(path:)``, and ``NeymanError/io(_:_:)`` if the temporary file cannot be written.
    public static func decode(_ data: Data, source: String? = nil) throws -> [(String, NPYArray)] {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("neyman-npz-\(UUID().uuidString).npz")
        do {
            try data.write(to: temporary, options: .withoutOverwriting)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw NeymanError.ioError("cannot write a temporary copy of the archive to \(temporary.path): "
                                      + FileSystemError.describe(error: error), file: source)
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try decode(fileAt: temporary, bytes: data, source: source)
    }

    /// The archive in the file at `url`, whose content is `bytes`, read by ZIPFoundation from the file (not from
    /// memory: see ``decode(_:source:)``).
    private static func decode(fileAt url: URL, bytes: Data, source: String?) throws -> [(String, NPYArray)] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw NeymanError.invalid("not a ZIP (.npz) archive: \(error)", file: source)
        }
        return try members(of: archive, declaredCount: declaredEntryCount(bytes), source: source)
    }

    private static func members(of archive: Archive, declaredCount: Int?, source: String?) throws
        -> [(String, NPYArray)] {
        var result: [(String, NPYArray)] = []
        var seen = Set<String>()
        var entryCount = 0
        for entry in archive {
            entryCount += 1
            guard entry.type == .file && entry.path.hasSuffix(".npy") else { continue }
            let name = String(entry.path.dropLast(4))
            if !seen.insert(name).inserted {
                throw NeymanError.invalid("the archive has two members named '\(entry.path)'", file: source,
                                          column: name)
            }
            var bytes = Data()
            // The declared size is the archive's claim, not a fact: reserve at most 64 MiB up front.
            bytes.reserveCapacity(Int(min(entry.uncompressedSize, 1 << 26)))
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, skipCRC32: false) { chunk in bytes.append(chunk) }
            } catch {
                throw NeymanError.invalid("cannot extract member '\(entry.path)': \(error)", file: source, column: name)
            }
            if checksum != entry.checksum {
                throw NeymanError.invalid(
                    "cannot extract member '\(entry.path)': CRC-32 mismatch (the archive is corrupt)",
                    file: source, column: name)
            }
            do {
                result.append((name, try NPYFormat.decode(bytes, source: nil)))
            } catch let e as NeymanError {
                throw NeymanError.invalid("member '\(entry.path)': \(e.message)", file: source, column: name)
            }
        }
        // ZIPFoundation stops iterating silently at an unreadable central-directory record: compare with the count
        // the end-of-central-directory record declares, so a damaged archive is an error, not a shorter result.
        if let declared = declaredCount, declared != entryCount {
            throw NeymanError.invalid(
                "corrupt archive: the central directory lists \(declared) members but \(entryCount) could be read",
                file: source)
        }
        return result
    }

    /// The number of entries the end-of-central-directory record declares (following the ZIP64 locator when the
    /// 16-bit field is saturated), or `nil` when the record cannot be found.
    static func declaredEntryCount(_ data: Data) -> Int? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
            let n = raw.count
            guard n >= 22 else { return nil }
            func u16(_ i: Int) -> Int { Int(raw[i]) | Int(raw[i + 1]) << 8 }
            func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
            func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) | UInt64(u32(i + 4)) << 32 }
            var eocd = n - 22
            let lowest = max(0, n - 22 - 0xFFFF)
            while eocd >= lowest && u32(eocd) != 0x0605_4B50 { eocd -= 1 }
            guard eocd >= lowest else { return nil }
            let total = u16(eocd + 10)
            if total != 0xFFFF { return total }
            let locator = eocd - 20
            guard locator >= 0, u32(locator) == 0x0706_4B50 else { return total }
            let recordOffset = u64(locator + 8)
            guard n >= 56, recordOffset <= UInt64(n - 56) else { return nil }
            let record = Int(recordOffset)
            guard u32(record) == 0x0606_4B50 else { return nil }
            let total64 = u64(record + 32)
            return total64 <= UInt64(Int.max) ? Int(total64) : nil
        }
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
