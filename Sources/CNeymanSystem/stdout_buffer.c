// The CLI prints one JSON object (sometimes megabytes of per-event values) on stdout; full buffering makes that one
// write instead of one per line. C's `stdout` is a mutable global that Swift 6 cannot reference safely, so the two
// calls that need it live here.
#include <stdio.h>
#include "neyman_system.h"

void neyman_stdout_full_buffering(size_t bytes) { setvbuf(stdout, NULL, _IOFBF, bytes); }

void neyman_stdout_flush(void) { fflush(stdout); }
