// Pins OpenBLAS to one thread per calling thread, once, when the program loads (see NeymanCore/BLASThreads.swift).
//
// OpenBLAS 0.3.21 (Debian 12) has only a process-global thread count (openblas_set_num_threads; no thread-local
// setting: openblas_set_num_threads_local arrived in a later release). Switching it around parallel regions let a
// GEMM running elsewhere change its thread count, and so its rounding, mid-run. Setting it here, in a constructor,
// happens before main() and before any other thread of the program exists; nothing in Neyman changes it afterwards.
#include <cblas.h>
#include "neyman_system.h"

static int pinned = 0;

__attribute__((constructor)) static void neyman_pin_blas_threads(void) {
    openblas_set_num_threads(1);
    pinned = 1;
}

int neyman_blas_pinned_thread_count(void) { return pinned; }
