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
/// workers stop; remaining tasks are skipped once an error is seen. The error type is the body's (typed throws): a
/// body that cannot throw gives a call that cannot throw.
///
/// Concurrency: `body` runs on several threads at once, so it is `@Sendable` and its results are `Sendable`; the
/// compiler checks that it captures nothing it could race on.
public func deterministicParallelMap<T: Sendable, E: Error>(
    count: Int, threads: Int? = nil, progress: ProgressDisplay? = nil,
    _ body: @Sendable (Int) throws(E) -> T
) throws(E) -> [T] {
    if count <= 0 { return [] }
    let nThreads = min(ThreadCount.resolve(threads), count)
    if nThreads == 1 {
        var results: [T] = []
        results.reserveCapacity(count)
        for i in 0..<count {
            results.append(try body(i))
            progress?.advance()
        }
        return results
    }

    let state = ParallelMapState<E>(count: count)
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { out in
        let slots = DisjointSlots(base: out.firstAddress)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: nThreads) { _ in
                while let i = state.nextTask() {
                    do throws(E) {
                        slots.store(try body(i), at: i)
                        progress?.advance()
                    } catch {
                        state.record(error, task: i)
                    }
                }
            }
        }
    }
    if let e = state.firstError { throw e }
    return results.map { $0.unsafelyUnwrapped }
}

/// The shared counter and first error of one ``deterministicParallelMap(count:threads:progress:_:)`` call.
/// `@unchecked Sendable`: every stored property is read and written only while `lock` is held.
private final class ParallelMapState<E: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0
    private var failure: (task: Int, error: E)?

    init(count: Int) { self.count = count }

    /// The next task index to run, or `nil` when all are handed out or a task has failed.
    func nextTask() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard failure == nil, next < count else { return nil }
        next += 1
        return next - 1
    }

    /// Keeps the error of the lowest-numbered failing task.
    func record(_ error: E, task: Int) {
        lock.lock(); defer { lock.unlock() }
        if failure.map({ task < $0.task }) ?? true { failure = (task, error) }
    }

    var firstError: E? {
        lock.lock(); defer { lock.unlock() }
        return failure?.error
    }
}

/// The output slots of a parallel map. `@unchecked Sendable`: slot `i` is written by task `i` alone (each index is
/// handed out once by ``ParallelMapState/nextTask()``) and read only after every worker has returned
/// (`concurrentPerform` waits for all of them), so no two threads touch the same slot.
private struct DisjointSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T?>
    func store(_ value: T, at i: Int) { (base + i).pointee = value }
}
