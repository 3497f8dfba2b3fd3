// renameat2(2) is declared by glibc only under _GNU_SOURCE, which Swift's Glibc module does not define; this file
// defines it and exposes the one operation Neyman needs: swapping a finished study directory into place atomically.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include "neyman_system.h"

int neyman_rename_exchange(const char *a, const char *b) {
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}
