import Foundation

/// Writes files so that a reader never sees a half-written result.
///
/// The content goes to a temporary file in the same directory (`.<name>.tmp-<pid>-<random>`), is flushed, and is then
/// renamed over the destination (`rename(2)` is atomic within one file system). If the process dies before the
/// rename, the destination is untouched (the old version, or nothing) and only a hidden temporary remains.
public enum AtomicFile {
    /// Write `data` to `path` atomically, creating parent directories as needed.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw NeymanError.ioError("cannot create directory '\(dir.path)': \(FileSystemError.describe(error: error))",
                                      file: path)
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw NeymanError.ioError("cannot write: it is a directory, not a file", file: path)
        }
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            let reason = access(dir.path, W_OK) != 0 ? FileSystemError.describe(errno: errno) : "unknown error"
            throw NeymanError.ioError("cannot create a file in '\(dir.path)': \(reason)", file: path)
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw NeymanError.ioError("cannot write: \(FileSystemError.describe(error: error))", file: path)
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw NeymanError.ioError("cannot move the finished file into place: \(reason)", file: path)
        }
    }

    /// Write a UTF-8 string to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
