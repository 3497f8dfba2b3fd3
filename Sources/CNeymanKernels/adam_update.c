// The Adam update kernel (see include/neyman_kernels.h). Written with clang's portable vector extensions so that the
// square root is one vector instruction (sqrtps on x86-64's SSE2 baseline, fsqrt on arm64) and contraction into
// fused multiply-adds is off: the bits are those of the scalar formula on every target.
#include "neyman_kernels.h"
#include <string.h>

#pragma clang fp contract(off)

typedef float neyman_f4 __attribute__((ext_vector_type(4)));

static inline neyman_f4 load4(const float *p) { neyman_f4 x; memcpy(&x, p, sizeof x); return x; }
static inline void store4(float *p, neyman_f4 x) { memcpy(p, &x, sizeof x); }

void neyman_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                        float b1, float b2, float lr, float eps) {
    const float c1 = 1.0f - b1, c2 = 1.0f - b2;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const neyman_f4 gi = load4(g + i);
        const neyman_f4 mi = b1 * load4(m + i) + c1 * gi;
        const neyman_f4 vi = b2 * load4(v + i) + c2 * gi * gi;
        const neyman_f4 wi = load4(w + i) - lr * mi / (__builtin_elementwise_sqrt(vi) + eps);
        store4(m + i, mi);
        store4(v + i, vi);
        store4(w + i, wi);
    }
    for (; i < n; i++) {
        const float gi = g[i];
        const float mi = b1 * m[i] + c1 * gi;
        const float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - lr * mi / (__builtin_elementwise_sqrt(vi) + eps);
    }
}

// Lines ahead of the loop that are fetched (with intent to write for w, g, m, v): the weights were last read by the
// other workers' forward passes, so each line written here must first be taken back from their caches; fetching
// ahead overlaps those transfers instead of paying them one store at a time.
#define NEYMAN_PREFETCH_AHEAD 128

void neyman_adam_update_summed(float *restrict w, float *restrict g, const float *const *parts, size_t sources,
                               float *restrict m, float *restrict v, size_t n, float b1, float b2, float lr, float eps) {
    const float c1 = 1.0f - b1, c2 = 1.0f - b2;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        if ((i & 15) == 0 && i + NEYMAN_PREFETCH_AHEAD < n) {
            const size_t a = i + NEYMAN_PREFETCH_AHEAD;
            __builtin_prefetch(w + a, 1);
            __builtin_prefetch(g + a, 1);
            __builtin_prefetch(m + a, 1);
            __builtin_prefetch(v + a, 1);
            for (size_t s = 0; s < sources; s++) __builtin_prefetch(parts[s] + a, 0);
        }
        neyman_f4 gi = load4(parts[0] + i);
        for (size_t s = 1; s < sources; s++) gi = gi + load4(parts[s] + i);
        const neyman_f4 mi = b1 * load4(m + i) + c1 * gi;
        const neyman_f4 vi = b2 * load4(v + i) + c2 * gi * gi;
        const neyman_f4 wi = load4(w + i) - lr * mi / (__builtin_elementwise_sqrt(vi) + eps);
        store4(g + i, gi);
        store4(m + i, mi);
        store4(v + i, vi);
        store4(w + i, wi);
    }
    for (; i < n; i++) {
        float gi = parts[0][i];
        for (size_t s = 1; s < sources; s++) gi = gi + parts[s][i];
        const float mi = b1 * m[i] + c1 * gi;
        const float vi = b2 * v[i] + c2 * gi * gi;
        g[i] = gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - lr * mi / (__builtin_elementwise_sqrt(vi) + eps);
    }
}
