import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks on an output path before any work: it must not be one of the inputs (writing it would destroy them), and
/// its directory must be writable.
///
/// `auc --input X.csv --roc X.csv` once replaced the events with the ROC table. Two paths name the same file when
/// they resolve to the same device and inode (`stat`), which catches `./X.csv`, `../d/X.csv` and symbolic links;
/// when the output does not exist yet, the comparison is of the standardised absolute paths with the parent
/// directory's symbolic links resolved.
public enum OutputPath {
    /// Whether `a` and `b` name the same file (existing: same device and inode; otherwise the same resolved path).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0 && stat(b, &sb) == 0 {
            return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
        }
        return resolved(a) == resolved(b)
    }

    /// The absolute path with `.`/`..` removed and the directory's symbolic links resolved.
    public static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let dir = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return dir.appendingPathComponent(url.lastPathComponent).path
    }

    /// Throws if `output` (given by option `outputOption`) is the same file as any of `inputs` (path, option), or
    /// if its directory cannot be written.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming both options: "--roc 'x.csv' is the same file as --input;
    ///   writing it would destroy the input"; ``NeymanError/io(_:_:)`` when the directory is missing and cannot be
    ///   created, or is not writable.
    public static func check(_ output: String, option outputOption: String, inputs: [(path: String, option: String)]) throws {
        for input in inputs where sameFile(output, input.path) {
            throw NeymanError.invalid(
                "--\(outputOption) '\(output)' is the same file as --\(input.option); writing it would destroy the input",
                parameter: outputOption)
        }
        try checkWritableDirectory(of: output)
    }

    /// Throws unless the directory that will hold `path` exists (or can be created) and is writable, and `path`
    /// itself is not a directory.
    public static func checkWritableDirectory(of path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw NeymanError.ioError("cannot write: it is a directory, not a file", file: path)
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try ensureWritableDirectory(dir, for: path)
    }

    /// Creates `dir` (with parents) if missing and checks that files can be created in it.
    public static func ensureWritableDirectory(_ dir: String, for path: String) throws {
        var st = stat()
        if stat(dir, &st) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw NeymanError.ioError("cannot create the directory '\(dir)': \(FileSystemError.describe(error: error))",
                                          file: path)
            }
        } else if (st.st_mode & S_IFMT) != S_IFDIR {
            throw NeymanError.ioError("cannot write: '\(dir)' is not a directory", file: path)
        }
        if access(dir, W_OK | X_OK) != 0 {
            throw NeymanError.ioError("cannot write in '\(dir)': \(FileSystemError.describe(errno: errno))", file: path)
        }
    }
}
