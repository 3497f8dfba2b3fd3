import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reading for the readers: the bytes of a file followed by one NUL sentinel.
enum FileBytes {
    /// The content of `path` plus a trailing 0 byte (so the returned array has `size + 1` elements).
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` naming `path` when it cannot be opened or read.
    static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw NeymanError.ioError("cannot open for reading: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            throw NeymanError.ioError("cannot read: \(String(cString: strerror(errno)))", file: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw NeymanError.ioError("cannot read: it is a directory", file: path)
        }
        let size = max(Int(st.st_size), 0)
        var readError: Int32 = 0
        // Read straight into the array's storage (capacity `size + 1` leaves room for the sentinel) ...
        var bytes = try [UInt8](unsafeUninitializedCapacity: size + 1) { buf, initialized in
            initialized = 0
            guard let base = buf.baseAddress else { return }
            var got = 0
            while got < size {
                let r = read(fd, base + got, size - got)
                if r < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break
                }
                if r == 0 { break }
                got += r
            }
            initialized = got
            if readError != 0 {
                throw NeymanError.ioError("cannot read: \(String(cString: strerror(readError)))", file: path)
            }
        }
        // ... then in chunks, in case the file grew since `fstat` (or reports no size, like a pipe).
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if r < 0 {
                if errno == EINTR { continue }
                throw NeymanError.ioError("cannot read: \(String(cString: strerror(errno)))", file: path)
            }
            if r == 0 { break }
            bytes.append(contentsOf: chunk[0..<r])
        }
        bytes.append(0)
        return bytes
    }
}
