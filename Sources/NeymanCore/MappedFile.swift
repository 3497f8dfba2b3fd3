import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a whole file, mapped read-only into memory (`mmap`), for readers that take what they need in place
/// instead of copying the file first (``NPZArchive`` reads stored members where they lie).
///
/// A regular, non-empty file is mapped (on Linux with `MAP_POPULATE`, so the pages are set up in one call rather than
/// one fault per page); anything else (an empty file, a pipe, a file system that cannot map) is read into memory
/// by ``FileBytes``. The mapping is removed when the value is released. As with any mapping, a file truncated by
/// another process while it is being read makes the reads past its new end fail (SIGBUS): the readers keep the
/// mapping only for the duration of one read.
final class MappedFile {
    private enum Storage {
        case mapped(UnsafeMutableRawPointer, Int)
        case copied([UInt8])
    }
    private let storage: Storage

    /// Map (or read) the file at `path`.
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` naming `path` when it cannot be opened, is a directory, or cannot be read.
    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw NeymanError.ioError("cannot open for reading: \(FileSystemError.describe(errno: errno))", file: path)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            throw NeymanError.ioError("cannot read: \(FileSystemError.describe(errno: errno))", file: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw NeymanError.ioError("cannot read: it is a directory", file: path)
        }
        let size = Int(st.st_size)
        if (st.st_mode & S_IFMT) == S_IFREG && size > 0 {
            #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
            #else
            let flags = MAP_PRIVATE
            #endif
            if let base = mmap(nil, size, PROT_READ, flags, fd, 0), base != MAP_FAILED {
                storage = .mapped(base, size)
                return
            }
        }
        var bytes = try FileBytes.readAll(path: path)
        bytes.removeLast()   // FileBytes' NUL sentinel
        storage = .copied(bytes)
    }

    deinit {
        if case .mapped(let base, let size) = storage { munmap(base, size) }
    }

    /// Call `body` with the file's bytes; they are valid only inside `body`.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .mapped(let base, let size):
            return try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: size)) }
        case .copied(let bytes):
            return try bytes.withUnsafeBytes { try body($0) }
        }
    }
}
