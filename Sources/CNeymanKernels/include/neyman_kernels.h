#ifndef NEYMAN_KERNELS_H
#define NEYMAN_KERNELS_H
#include <stddef.h>
// Element-wise float kernels that Swift does not compile to vector instructions on Linux: SIMD8<Float>.squareRoot()
// becomes eight scalar square roots, each behind a branch to libm's sqrtf for negative inputs (seen in perf
// annotate of Adam.apply), which made the optimizer step a quarter of a dense training step on two workers.

/// One Adam step (Kingma & Ba, arXiv:1412.6980) on `n` elements, in place, element by element:
///   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;   w <- w - lr m / (sqrt(v) + eps)
/// with the bias corrections folded into `lr` and `eps` by the caller. Every operation is IEEE single precision
/// in this order, without fused multiply-adds, so the result does not depend on the vector width or on how the
/// elements are split between calls. The four arrays must not overlap.
void neyman_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                        float b1, float b2, float lr, float eps);

/// The data-parallel form of ``neyman_adam_update``: the gradient is the sum of `sources` partial gradients, taken
/// in order ((g_0 + g_1) + g_2 ...), written to `g` and used for the update in the same pass. Identical bits to summing
/// into `g` first and then calling ``neyman_adam_update``. `g` and `w`, `m`, `v` must not overlap each other or any
/// partial gradient; `sources >= 1`.
void neyman_adam_update_summed(float *restrict w, float *restrict g, const float *const *parts, size_t sources,
                               float *restrict m, float *restrict v, size_t n, float b1, float b2, float lr, float eps);
#endif
