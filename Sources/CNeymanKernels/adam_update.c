// The Adam update kernels (see include/neyman_kernels.h). Written with clang's portable vector extensions so that the
// square root is one vector instruction (sqrtps on x86-64's SSE2 baseline, fsqrt on arm64) and contraction into
// fused multiply-adds is off: the bits are those of the scalar formula on every target.
#include "neyman_kernels.h"
#include <string.h>

#pragma clang fp contract(off)

typedef float neyman_f4 __attribute__((ext_vector_type(4)));

static inline neyman_f4 load4(const float *p) { neyman_f4 x; memcpy(&x, p, sizeof x); return x; }
static inline void store4(float *p, neyman_f4 x) { memcpy(p, &x, sizeof x); }

// One step's constants: b1, b2, their complements 1 - b1, 1 - b2, the bias-corrected learning rate and epsilon.
typedef struct { float b1, b2, c1, c2, lr, eps; } adam_constants;

// The update of elements i ... i + 3 with gradients gi (w, m, v as in the header); the one formula both kernels use.
static inline void adam_step4(float *w, float *m, float *v, size_t i, neyman_f4 gi, const adam_constants *k) {
    const neyman_f4 mi = k->b1 * load4(m + i) + k->c1 * gi;
    const neyman_f4 vi = k->b2 * load4(v + i) + k->c2 * gi * gi;
    const neyman_f4 wi = load4(w + i) - k->lr * mi / (__builtin_elementwise_sqrt(vi) + k->eps);
    store4(m + i, mi);
    store4(v + i, vi);
    store4(w + i, wi);
}

// The same for element i alone (the tail after the last whole vector).
static inline void adam_step1(float *w, float *m, float *v, size_t i, float gi, const adam_constants *k) {
    const float mi = k->b1 * m[i] + k->c1 * gi;
    const float vi = k->b2 * v[i] + k->c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - k->lr * mi / (__builtin_elementwise_sqrt(vi) + k->eps);
}

void neyman_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                        float b1, float b2, float lr, float eps) {
    const adam_constants k = { b1, b2, 1.0f - b1, 1.0f - b2, lr, eps };
    size_t i = 0;
    for (; i + 4 <= n; i += 4) adam_step4(w, m, v, i, load4(g + i), &k);
    for (; i < n; i++) adam_step1(w, m, v, i, g[i], &k);
}

// Lines ahead of the loop that are fetched (with intent to write for w, g, m, v): the weights were last read by the
// other workers' forward passes, so each line written here must first be taken back from their caches; fetching
// ahead overlaps those transfers instead of paying them one store at a time.
#define NEYMAN_PREFETCH_AHEAD 128

void neyman_adam_update_summed(float *restrict w, float *restrict g, const float *const *parts, size_t sources,
                               float *restrict m, float *restrict v, size_t n, float b1, float b2, float lr, float eps) {
    const adam_constants k = { b1, b2, 1.0f - b1, 1.0f - b2, lr, eps };
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
        store4(g + i, gi);
        adam_step4(w, m, v, i, gi, &k);
    }
    for (; i < n; i++) {
        float gi = parts[0][i];
        for (size_t s = 1; s < sources; s++) gi = gi + parts[s][i];
        g[i] = gi;
        adam_step1(w, m, v, i, gi, &k);
    }
}
