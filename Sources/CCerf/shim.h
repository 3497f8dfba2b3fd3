#ifndef NEYMAN_CCERF_SHIM_H
#define NEYMAN_CCERF_SHIM_H
// libcerf: voigt(x, sigma, gamma) and the real-valued error functions. The complex-valued ones do not import.
#include <cerf.h>

// Faddeeva w(x + iy), both parts from one evaluation (re_w_of_z and im_w_of_z each evaluate w in full).
static inline void neyman_w_of_z(double x, double y, double *re, double *im) {
    double _Complex w = w_of_z(x + y * _Complex_I);
    *re = creal(w);
    *im = cimag(w);
}
#endif
