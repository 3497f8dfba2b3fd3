#ifndef NEYMAN_CGSL_SHIM_H
#define NEYMAN_CGSL_SHIM_H
// OpenBLAS's cblas.h first, then tell GSL its own gsl_cblas.h is already "included", so that the two
// CBLAS enum definitions never meet in one module graph (pitfall 1).
#include <cblas.h>
#define __GSL_CBLAS_H__ 1
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_exp.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_integration.h>

// Global type pointers are not concurrency-safe imports in Swift 6; these getters are (pitfall 3).
static inline const gsl_rng_type *neyman_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_multimin_fdfminimizer_type *neyman_gsl_multimin_bfgs2(void) { return gsl_multimin_fdfminimizer_vector_bfgs2; }
static inline const gsl_multimin_fminimizer_type *neyman_gsl_multimin_nmsimplex2(void) { return gsl_multimin_fminimizer_nmsimplex2; }
static inline const gsl_root_fsolver_type *neyman_gsl_root_brent(void) { return gsl_root_fsolver_brent; }
static inline const gsl_min_fminimizer_type *neyman_gsl_min_brent(void) { return gsl_min_fminimizer_brent; }
#endif
