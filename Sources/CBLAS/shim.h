#ifndef NEYMAN_CBLAS_SHIM_H
#define NEYMAN_CBLAS_SHIM_H
// OpenBLAS's cblas.h (Debian: /usr/include/x86_64-linux-gnu/cblas.h), which also declares
// openblas_set_num_threads / openblas_get_num_threads / openblas_get_config.
#include <cblas.h>
#endif
