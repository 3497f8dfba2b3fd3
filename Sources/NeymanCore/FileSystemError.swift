import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File-system failures in words, naming the path: never "NSCocoaErrorDomain error 256".
///
/// Foundation reports a failed read or write as an `NSError` whose text depends on the platform (on Linux often only
/// the domain and code). These helpers look at the path itself (missing, a directory, not readable or writable, the
/// disk full) and say which, so every reader and writer gives the same kind of message:
/// ```
///   file 'runs/a.csv': cannot read: no such file
///   file 'runs': cannot read: it is a directory, not a file
///   file 'out/r.json': cannot write: permission denied
/// ```
public enum FileSystemError {
    /// Why `path` cannot be read as a file, or `nil` if it looks readable (then `underlying` is described).
    public static func readProblem(_ path: String) -> String? {
        var st = stat()
        if stat(path, &st) != 0 { return describe(errno: errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return "it is a directory, not a file" }
        if access(path, R_OK) != 0 { return describe(errno: errno) }
        return nil
    }

    /// A ``NeymanError/io(_:_:)`` for a failed read of `path`.
    public static func readError(_ path: String, underlying: Error? = nil) -> NeymanError {
        let reason = readProblem(path) ?? underlying.map(describe(error:)) ?? "unknown error"
        return .ioError("cannot read: \(reason)", file: path)
    }

    /// A ``NeymanError/io(_:_:)`` for a failed write of `path`.
    public static func writeError(_ path: String, underlying: Error? = nil) -> NeymanError {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            return .ioError("cannot write: it is a directory, not a file", file: path)
        }
        let reason = underlying.map(describe(error:)) ?? "unknown error"
        return .ioError("cannot write: \(reason)", file: path)
    }

    /// Words for an `errno` value (`strerror`, lower-cased first letter): "no such file or directory", ...
    public static func describe(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or directory"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a directory, not a file"
        case ENOTDIR: return "a component of the path is not a directory"
        case ENOSPC: return "no space left on the device (disk full)"
        case EDQUOT: return "disk quota exceeded"
        case EROFS: return "the file system is read-only"
        case ENAMETOOLONG: return "the path is too long"
        default:
            let s = String(cString: strerror(code))
            return s.prefix(1).lowercased() + s.dropFirst()
        }
    }

    /// Words for an error thrown by Foundation's file APIs (the POSIX cause where there is one).
    public static func describe(error: Error) -> String {
        if let e = error as? NeymanError { return e.message }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return describe(errno: Int32(ns.code)) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
            return describe(errno: Int32(under.code))
        }
        switch ns.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on the device (disk full)"
        case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
        case NSFileReadCorruptFileError: return "the file is damaged or not in the expected format"
        case NSFileReadTooLargeError: return "the file is too large"
        case NSFileReadInapplicableStringEncodingError, NSFileReadUnknownStringEncodingError:
            return "the file is not UTF-8 text"
        default: return "error \(ns.code) (\(ns.domain))"
        }
    }
}
