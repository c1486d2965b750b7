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
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

static inline __attribute__((always_inline)) AVX2 float hmin(__m256 v) {
    __m128 x = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_min_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_min_ss(x, _mm_shuffle_ps(x, x, 1)));
}

static inline __attribute__((always_inline)) AVX2 float hmax(__m256 v) {
    __m128 x = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_max_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_max_ss(x, _mm_shuffle_ps(x, x, 1)));
}

/// AVX2 + FMA: the 16 entries of a sub-quantiser in two YMM registers; the same arithmetic as `lut_body`
/// except that sums of squares are fused (results may differ from the portable variant in the last bit).
AVX2 void vs_pq4_lut_avx2(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                          float *bias_out, float *scale_out) {
    float bias = 0, widest = 0;
    for (size_t s = 0; s < m; s++) {
        __m256 t0 = _mm256_setzero_ps(), t1 = t0;
        const float *c = cbt + s * dsub * 16;
        const float *ys = y + s * dsub;
        if (l2) {
            for (size_t j = 0; j < dsub; j++) {
                const __m256 yv = _mm256_set1_ps(ys[j]);
                const __m256 d0 = _mm256_sub_ps(yv, _mm256_loadu_ps(c + j * 16));
                const __m256 d1 = _mm256_sub_ps(yv, _mm256_loadu_ps(c + j * 16 + 8));
                t0 = _mm256_fmadd_ps(d0, d0, t0);
                t1 = _mm256_fmadd_ps(d1, d1, t1);
            }
        } else {
            for (size_t j = 0; j < dsub; j++) {
                const __m256 yv = _mm256_set1_ps(-ys[j]);
                t0 = _mm256_fmadd_ps(yv, _mm256_loadu_ps(c + j * 16), t0);
                t1 = _mm256_fmadd_ps(yv, _mm256_loadu_ps(c + j * 16 + 8), t1);
            }
        }
        const float lo = hmin(_mm256_min_ps(t0, t1)), hi = hmax(_mm256_max_ps(t0, t1));
        const __m256 vlo = _mm256_set1_ps(lo);
        _mm256_storeu_ps(tables + s * 16, _mm256_sub_ps(t0, vlo));
        _mm256_storeu_ps(tables + s * 16 + 8, _mm256_sub_ps(t1, vlo));
        bias += lo;
        widest = hi - lo > widest ? hi - lo : widest;
    }
    const float top = (float)(65535 / m < 255 ? 65535 / m : 255);
    const float inverse = widest > 0 ? top / widest : 0;
    const __m256 vinv = _mm256_set1_ps(inverse), half = _mm256_set1_ps(0.5f), vtop = _mm256_set1_ps(top);
    for (size_t i = 0; i < m * 16; i += 16) {
        const __m256i a = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_fmadd_ps(_mm256_loadu_ps(tables + i), vinv, half), vtop));
        const __m256i b = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_fmadd_ps(_mm256_loadu_ps(tables + i + 8), vinv, half), vtop));
        // 16 × i32 → 16 × u8: packs work per 128-bit lane, so fix the order with one permute.
        const __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
        const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
        _mm_storeu_si128((__m128i *)(lut + i), bytes);
    }
    *bias_out = bias;
    *scale_out = widest > 0 ? widest / top : 0;
}
#else
void vs_pq4_lut_avx2(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                     float *bias, float *scale) {
    lut_body(y, cbt, m, dsub, l2, tables, lut, bias, scale);
}
#endif
