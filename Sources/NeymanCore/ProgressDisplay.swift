import Foundation

/// A one-line progress display on standard error for long loops (toys, scans, epochs).
///
/// It draws only when standard error is a terminal and the user did not ask for `--quiet`; otherwise every call is a
/// no-op, so logs and piped output stay clean and `--format json` output on stdout is never disturbed.
/// Thread-safe: ``advance(by:)`` may be called from parallel tasks. Redraws at most ten times a second.
/// `@unchecked Sendable`: the mutable state (`done`, `lastDraw`) is read and written only while `lock` is held; the
/// other properties are constants.
public final class ProgressDisplay: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let start = Date()

    /// - Parameters:
    ///   - label: what is being counted ("toys", "scan points").
    ///   - total: the number of steps expected.
    ///   - quiet: force silence (the CLI's `--quiet`).
    public init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Whether anything will be drawn.
    public var isEnabled: Bool { enabled }

    /// Record `n` more finished steps.
    public func advance(by n: Int = 1) {
        guard enabled else { return }
        lock.lock()
        done += n
        let now = Date()
        let shouldDraw = now.timeIntervalSince(lastDraw) > 0.1 || done >= total
        if shouldDraw { lastDraw = now }
        let d = done
        lock.unlock()
        if shouldDraw { draw(d, now: now) }
    }

    private func draw(_ d: Int, now: Date) {
        let frac = min(1, Double(d) / Double(total))
        let width = 30
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let eta = frac > 0 ? elapsed * (1 - frac) / frac : 0
        let line = String(format: "\r%@ [%@] %d/%d  %.1fs elapsed, ~%.1fs left ", label, bar, d, total, elapsed, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clear the line (call once the loop is over).
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
