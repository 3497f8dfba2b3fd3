import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks a size that came from a user (layers, particles, events, bins, toys, grid points) against the memory it
/// will take, *before* anything is allocated.
///
/// A size like `layers = [100000000000]` or `events_per_class = 1e12` would otherwise abort the process inside the
/// allocator ("failed to allocate") or grow memory for minutes. The rule is simple and stated:
/// ```
///   bytes = count * bytesPerElement  (overflow-checked; an overflow is "too big")
///   refuse when bytes > limit,  limit = physical memory (sysconf(_SC_PHYS_PAGES) * page size)
/// ```
/// The limit is the machine's whole memory, not what is free: a request that can never fit is refused with a clear
/// message; a request that fits the machine but not its free memory is left to the operating system, as for any
/// program. `NEYMAN_MEMORY_LIMIT` (bytes) lowers the limit, for tests and shared machines.
public enum MemoryBudget {
    /// The number of bytes a single request may take: `NEYMAN_MEMORY_LIMIT` if set and positive, else the
    /// machine's physical memory (or 8 GiB if the system does not say).
    public static var limit: Int {
        if let text = ProcessInfo.processInfo.environment["NEYMAN_MEMORY_LIMIT"], let v = Int(text), v > 0 {
            return v
        }
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && pageSize > 0 {
            let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            if !overflow { return bytes }
        }
        return 8 << 30
    }

    /// `count * bytesPerElement`, or `nil` when the product overflows `Int` or a factor is negative.
    public static func bytes(_ count: Int, _ bytesPerElement: Int) -> Int? {
        guard count >= 0, bytesPerElement >= 0 else { return nil }
        let (b, overflow) = count.multipliedReportingOverflow(by: bytesPerElement)
        return overflow ? nil : b
    }

    /// The product of several counts, or `nil` on overflow or a negative factor.
    public static func product(_ counts: [Int]) -> Int? {
        var p = 1
        for c in counts {
            guard c >= 0 else { return nil }
            let (q, overflow) = p.multipliedReportingOverflow(by: c)
            if overflow { return nil }
            p = q
        }
        return p
    }

    /// Throws unless `count` elements of `bytesPerElement` bytes fit within ``limit``.
    ///
    /// - Parameters:
    ///   - what: the user-facing name of the size (`"layers"`, `"events_per_class"`), used as the error's key or
    ///     parameter so the message says which setting is at fault.
    ///   - file: the config or study file, if the size came from one.
    /// - Throws: ``NeymanError/invalidInput(_:_:)``: "`what` = N would need B bytes (X GiB); this machine has Y GiB".
    public static func check(count: Int, bytesPerElement: Int, what: String, file: String? = nil,
                             isParameter: Bool = false) throws {
        guard count >= 0 else {
            throw error("\(what) = \(count) is negative", what: what, file: file, isParameter: isParameter)
        }
        let lim = limit
        guard let b = bytes(count, bytesPerElement), b <= lim else {
            let need = bytes(count, bytesPerElement).map { "\($0) bytes (\(gib($0)))" }
                ?? "more than \(Int.max) bytes"
            throw error("\(what) = \(count) would need \(need) of memory; the limit is \(gib(lim))",
                        what: what, file: file, isParameter: isParameter)
        }
    }

    /// Throws unless `bytes` (already computed; `nil` for an overflow) fits within ``limit``.
    public static func check(bytes: Int?, what: String, description: String, file: String? = nil,
                             isParameter: Bool = false) throws {
        let lim = limit
        guard let b = bytes, b >= 0, b <= lim else {
            let need = bytes.map { "\($0) bytes (\(gib($0)))" } ?? "more than \(Int.max) bytes"
            throw error("\(description) would need \(need) of memory; the limit is \(gib(lim))",
                        what: what, file: file, isParameter: isParameter)
        }
    }

    /// `"12.5 GiB"` with three significant digits.
    public static func gib(_ bytes: Int) -> String {
        let g = Double(bytes) / Double(1 << 30)
        return String(format: g >= 100 ? "%.0f GiB" : (g >= 1 ? "%.3g GiB" : "%.2g GiB"), g)
    }

    private static func error(_ message: String, what: String, file: String?, isParameter: Bool) -> NeymanError {
        isParameter ? .invalid(message, file: file, parameter: what) : .invalid(message, file: file, key: what)
    }
}
