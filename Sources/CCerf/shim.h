#ifndef NEYMAN_CCERF_SHIM_H
#define NEYMAN_CCERF_SHIM_H
// libcerf: voigt(x, sigma, gamma) and the real-valued error functions. The complex-valued ones do not import.
#include <cerf.h>
#endif
