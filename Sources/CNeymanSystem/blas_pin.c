// Pins OpenBLAS to one thread per calling thread, once, when the program loads (see NeymanCore/BLASThreads.swift).
//
// OpenBLAS 0.3.21 (Debian 12) has only a process-global thread count (openblas_set_num_threads; no thread-local
// setting: openblas_set_num_threads_local arrived in a later release). Switching it around parallel regions let a
// GEMM running elsewhere change its thread count, and so its rounding, mid-run. Setting it here, in a constructor,
// happens before main() and before any other thread of the program exists; nothing in Neyman changes it afterwards.
#include <cblas.h>
#include "neyman_system.h"

//
// OpenBLAS starts its pool of worker threads (one per core, less the caller) when it loads, and each spins on
// sched_yield for a while before it sleeps. With the count pinned to 1 they are never used, yet their spinning took
// the second core for the first ~0.1-0.3 s of every process (perf: 29 % of the samples of `neyman auc` on 2·10^6
// events, competing with Neyman's own workers). So the pool is shut down here as well; OpenBLAS starts it again by
// itself should a later call ask for more than one thread (its exec_blas re-initialises a shut-down server).
extern int blas_thread_shutdown_(void);

static int pinned = 0;

__attribute__((constructor)) static void neyman_pin_blas_threads(void) {
    openblas_set_num_threads(1);
    blas_thread_shutdown_();
    pinned = 1;
}

int neyman_blas_pinned_thread_count(void) { return pinned; }
