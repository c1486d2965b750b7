// Lookup-table construction for the fast-scan scan (contract: CPQKernels.h). Per probed list and query it
// runs once, over m × 16 entries; written as plain loops over the 16 centroids, which clang vectorises
// (two YMM registers per sub-quantiser in the AVX2 variant).
#include "CPQKernels.h"

#define INLINE static inline __attribute__((always_inline))

INLINE void lut_body(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                     float *bias_out, float *scale_out) {
    float bias = 0, widest = 0;
    for (size_t s = 0; s < m; s++) {
        float t[16] = {0};
        for (size_t j = 0; j < dsub; j++) {
            const float yv = y[s * dsub + j];
            const float *c = cbt + (s * dsub + j) * 16;
            if (l2) {
                for (int k = 0; k < 16; k++) { const float d = yv - c[k]; t[k] += d * d; }
            } else {
                for (int k = 0; k < 16; k++) t[k] -= yv * c[k];
            }
        }
        float lo = t[0], hi = t[0];
        for (int k = 1; k < 16; k++) { lo = t[k] < lo ? t[k] : lo; hi = t[k] > hi ? t[k] : hi; }
        for (int k = 0; k < 16; k++) tables[s * 16 + k] = t[k] - lo;
        bias += lo;
        widest = hi - lo > widest ? hi - lo : widest;
    }
    const float top = (float)(65535 / m < 255 ? 65535 / m : 255);
    const float inverse = widest > 0 ? top / widest : 0;
    for (size_t i = 0; i < m * 16; i++) {
        float q = tables[i] * inverse + 0.5f;
        q = q < top ? q : top;
        lut[i] = (uint8_t)(int)q;
    }
    *bias_out = bias;
    *scale_out = widest > 0 ? widest / top : 0;
}

void vs_pq4_lut_portable(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                         float *bias, float *scale) {
    lut_body(y, cbt, m, dsub, l2, tables, lut, bias, scale);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
void vs_pq4_lut_avx2(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                     float *bias, float *scale) {
    lut_body(y, cbt, m, dsub, l2, tables, lut, bias, scale);
}
#else
void vs_pq4_lut_avx2(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                     float *bias, float *scale) {
    lut_body(y, cbt, m, dsub, l2, tables, lut, bias, scale);
}
#endif
