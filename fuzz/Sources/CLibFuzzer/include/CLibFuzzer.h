// libFuzzer's driver entry point (compiler-rt, shipped with the Swift toolchain on Linux and linked by
// `-sanitize=fuzzer`). The fuzz targets call it from their own `main`: SwiftPM renames an executable's entry point
// and links `main` to it (`--defsym main=<module>_main`), so libFuzzer's own `main` never runs. (That `main` is still
// linked in and needs `LLVMFuzzerTestOneInput`, so each target also exports its function under that name.)
#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
