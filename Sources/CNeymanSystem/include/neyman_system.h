#ifndef NEYMAN_SYSTEM_H
#define NEYMAN_SYSTEM_H
#include <stddef.h>
// Small C helpers for what Swift cannot reach directly on Linux (see the .c files for why each exists).

/// The OpenBLAS thread count this library pinned when it loaded (1), or 0 if the pin did not run.
/// Referenced from NeymanCore (BLASThreads) so that the linker keeps the load-time constructor.
int neyman_blas_pinned_thread_count(void);

/// Atomically exchanges the directory entries `a` and `b` (Linux renameat2 with RENAME_EXCHANGE): both must exist.
/// Returns 0 on success, else -1 with errno set (EINVAL or ENOSYS where the file system or kernel lacks it).
int neyman_rename_exchange(const char *a, const char *b);
/// Makes stdout fully buffered with a buffer of `bytes` (call before anything is written to it).
void neyman_stdout_full_buffering(size_t bytes);

/// Flushes stdout.
void neyman_stdout_flush(void);
#endif
