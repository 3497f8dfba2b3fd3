import Dispatch
import Foundation

/// How many threads a parallel region may use: `nil` means all cores.
public enum ThreadCount {
    /// The number of cores this process may use.
    public static var available: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `requested` if given and positive, else ``available``.
    public static func resolve(_ requested: Int?) -> Int {
        guard let r = requested, r > 0 else { return available }
        return r
    }
}

/// Runs `count` independent tasks on up to `threads` threads and returns their results in task order.
///
/// Determinism contract: task `i` must depend only on `i` (and on values captured before the call), never on which
/// thread runs it or on what other tasks did. Randomness inside a task comes from `RandomStream(seed:, task: i)`.
/// Then the returned array is identical for any `threads`. Tasks are handed out dynamically (an atomic counter)
/// so that uneven tasks balance; the output slot of each task is fixed, so scheduling does not change results.
///
/// Each worker's BLAS calls run on that worker's thread alone: OpenBLAS is pinned to one thread for the whole process
/// when it loads (``BLASThreads``), so a product computes the same bits on any worker, and this function never
/// changes a setting that other code may be using. `progress`, if given, is advanced once per finished task.
///
/// Errors: the first error thrown by any task (the one with the lowest task index) is rethrown after all
/// workers stop; remaining tasks are skipped once an error is seen.
public func deterministicParallelMap<T>(
    count: Int, threads: Int? = nil, progress: ProgressDisplay? = nil,
    _ body: (Int) throws -> T
) throws -> [T] {
    if count <= 0 { return [] }
    let nThreads = min(ThreadCount.resolve(threads), count)
    var results = [T?](repeating: nil, count: count)
    if nThreads == 1 {
        for i in 0..<count {
            results[i] = try body(i)
            progress?.advance()
        }
        return results.map { $0! }
    }

    let lock = NSLock()
    var next = 0
    var firstError: (index: Int, error: Error)?
    try withoutActuallyEscaping(body) { body in
        results.withUnsafeMutableBufferPointer { out in
            let outBase = out.firstAddress
            DispatchQueue.concurrentPerform(iterations: nThreads) { _ in
                while true {
                    lock.lock()
                    if firstError != nil || next >= count { lock.unlock(); return }
                    let i = next
                    next += 1
                    lock.unlock()
                    do {
                        let value = try body(i)
                        (outBase + i).pointee = value
                        progress?.advance()
                    } catch {
                        lock.lock()
                        if firstError == nil || i < firstError!.index { firstError = (i, error) }
                        lock.unlock()
                    }
                }
            }
        }
        if let e = firstError { throw e.error }
    }
    return results.map { $0! }
}
