import Foundation

/// Transparent huge pages for large, freshly allocated buffers that are about to be written in full.
///
/// A buffer of tens of megabytes written for the first time takes one page fault per 4 KiB page: 2·10^6 doubles
/// (16 MB) are 3,900 faults, and the kernel's fault handling, not the copy, was the larger part of filling such
/// arrays (perf of `neyman auc` on 2·10^6 events: about a sixth of the command's time in page faults). With Linux's
/// transparent huge pages in their usual `madvise` mode, ``advise(_:bytes:)`` asks for 2 MiB pages on the part of the
/// buffer that is aligned to 2 MiB, so the same buffer takes a few faults of 2 MiB. Nothing changes but speed: where
/// huge pages are off (`never`), unavailable or not Linux, the advice is ignored.
public enum HugePages {
    /// The huge-page size assumed (x86-64 and arm64 with 4 KiB base pages).
    public static let size = 2 << 20

    /// Buffers from this size on are worth the advice.
    public static let threshold = 4 << 20

    /// Advises huge pages for the 2 MiB-aligned interior of `[start, start + bytes)` when `bytes >= threshold`.
    /// Call it before the buffer is first written; the memory must be writable heap or anonymous memory.
    public static func advise(_ start: UnsafeMutableRawPointer?, bytes: Int) {
        #if os(Linux)
        guard let start, bytes >= threshold else { return }
        let first = (UInt(bitPattern: start) + UInt(size - 1)) & ~UInt(size - 1)
        let end = (UInt(bitPattern: start) + UInt(bytes)) & ~UInt(size - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, Int(end - first), Int32(MADV_HUGEPAGE))
        #endif
    }
}
