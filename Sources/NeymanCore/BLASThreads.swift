import CBLAS
import CNeymanSystem

/// OpenBLAS runs one thread per calling thread, set once when the program loads and never changed by Neyman.
///
/// OpenBLAS's thread count is a single process-wide setting (the installed 0.3.21 has no thread-local variant:
/// `openblas_set_num_threads_local` came later; `openblas_get_config()` reports the build). Changing it while another
/// thread is inside a GEMM changes that GEMM's partition, hence possibly its rounding, and has crashed OpenBLAS.
/// So the count is pinned to 1 by a C constructor (`Sources/CNeymanSystem/blas_pin.c`) before `main` runs, when no other thread
/// exists, and parallelism comes from Neyman's own workers (``deterministicParallelMap(count:threads:progress:_:)``):
/// one BLAS thread per worker. Consequences:
/// - a product computes the same bits whichever thread calls it and whatever else runs;
/// - a single training uses one core for its matrix products (data-parallel training on several workers is the
///   way to use more, with results fixed for a given worker count).
///
/// A program that does nothing in parallel (the benchmarks' single-training runs) may call
/// ``setOnceAtStartup(_:)`` before any BLAS work to let OpenBLAS use more threads.
public enum BLASThreads {
    /// The thread count OpenBLAS uses now.
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Whether the load-time pin ran (it sets the count to 1).
    public static var pinnedAtLoad: Bool { neyman_blas_pinned_thread_count() == 1 }

    /// OpenBLAS's build description (`openblas_get_config()`), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY ...".
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// Sets the OpenBLAS thread count for the rest of the process. Call it at most once, first thing in `main`,
    /// before any BLAS work and before any other thread starts; never in library code.
    public static func setOnceAtStartup(_ threads: Int) {
        openblas_set_num_threads(Int32(max(1, threads)))
    }
}
