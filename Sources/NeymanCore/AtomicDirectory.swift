import Foundation
import CNeymanSystem
#if canImport(Glibc)
import Glibc
#endif

/// A directory of results that appears whole or not at all: its files are written into a hidden staging directory
/// beside the destination, which is moved into place only when everything is written.
///
/// ```
///   let dir = try AtomicDirectory(destination: "out")   // checks "out" and creates ".out.partial-<pid>-<random>"
///   try write files into dir.staging ...
///   try dir.commit()                                     // staging -> "out" (an earlier "out" is replaced)
/// ```
/// - Checked before any work: the destination's parent can be created and written, the destination is not a file,
///   and, if it exists, it is empty or an earlier output of this kind (it holds the `marker` file). A non-empty
///   directory without the marker is refused: replacing it would delete files Neyman did not write.
/// - `commit` swaps staging and destination atomically (`renameat2(RENAME_EXCHANGE)`) and then deletes the old
///   content; where the file system lacks the exchange, the old directory is first renamed aside (a reader may then
///   briefly find no destination, never a half-written one).
/// - A run that is killed leaves only the hidden staging directory (its name says `partial`), never a destination
///   that looks whole; a run that fails with an error removes it (``discard()``).
public final class AtomicDirectory {
    /// Where the finished directory goes.
    public let destination: String
    /// The hidden directory the files are written into until ``commit()``.
    public let staging: String
    /// The file whose presence marks a directory as this kind of output (written into the staging directory).
    public let marker: String
    private var finished = false

    /// Checks `destination` and creates the staging directory beside it.
    ///
    /// - Parameters:
    ///   - marker: the file name that marks an earlier output (e.g. `.neyman-study`); written by ``init`` into the
    ///     staging directory with `markerContent`.
    ///   - option: the option the destination came from, for messages (e.g. `out`).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for a destination that is a file or a foreign non-empty
    ///   directory, ``NeymanError/io(_:_:)`` when the parent cannot be created or written.
    public init(destination: String, marker: String, markerContent: String, option: String) throws {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        guard !url.lastPathComponent.isEmpty, url.path != "/" else {
            throw NeymanError.invalid("'\(destination)' cannot be an output directory", parameter: option)
        }
        self.destination = destination
        self.marker = marker
        let parent = url.deletingLastPathComponent().path
        var st = stat()
        if stat(url.path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw NeymanError.invalid("--\(option) '\(destination)' is a file; give a directory", parameter: option)
            }
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
                throw FileSystemError.readError(url.path, underlying: error)
            }
            if !entries.isEmpty && !entries.contains(marker) {
                throw NeymanError.invalid(
                    "--\(option) '\(destination)' is a non-empty directory that Neyman did not write (no \(marker) "
                        + "in it); give a new or empty directory, so that nothing in it is replaced", parameter: option)
            }
        }
        try OutputPath.ensureWritableDirectory(parent, for: destination)
        let name = ".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        staging = (parent as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw NeymanError.ioError("cannot create a directory in '\(parent)': \(FileSystemError.describe(error: error))",
                                      file: destination)
        }
        try AtomicFile.write(markerContent, to: (staging as NSString).appendingPathComponent(marker))
    }

    deinit { if !finished { discard() } }

    /// Moves the staging directory into place, replacing an earlier output at the destination.
    public func commit() throws {
        guard !finished else { return }
        let dest = URL(fileURLWithPath: destination).standardizedFileURL.path
        var st = stat()
        if stat(dest, &st) != 0 {
            if rename(staging, dest) != 0 {
                throw NeymanError.ioError("cannot move the finished results into place: \(FileSystemError.describe(errno: errno))",
                                          file: destination)
            }
        } else if neyman_rename_exchange(staging, dest) == 0 {
            // `staging` now holds the earlier output.
            try? FileManager.default.removeItem(atPath: staging)
        } else {
            let aside = staging + ".old"
            guard rename(dest, aside) == 0 else {
                throw NeymanError.ioError("cannot replace the earlier results: \(FileSystemError.describe(errno: errno))",
                                          file: destination)
            }
            guard rename(staging, dest) == 0 else {
                let reason = FileSystemError.describe(errno: errno)
                _ = rename(aside, dest)
                throw NeymanError.ioError("cannot move the finished results into place: \(reason)", file: destination)
            }
            try? FileManager.default.removeItem(atPath: aside)
        }
        finished = true
    }

    /// Removes the staging directory (after a failure; also done when the object is released uncommitted).
    public func discard() {
        guard !finished else { return }
        try? FileManager.default.removeItem(atPath: staging)
        finished = true
    }
}
