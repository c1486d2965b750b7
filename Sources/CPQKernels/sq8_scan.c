// SQ8 scan kernel for the vector index (contract: CPQKernels.h). The query's per-dimension weights are
// quantised once per query to 16-bit integers, so a row's dot product with its 8-bit codes is exact
// integer arithmetic: `vpmaddwd` multiplies 16 code/weight pairs and adds them pairwise into 8 int32 lanes.
// That is 2.5 instructions per 8 dimensions where the float kernel needs 4 (widen, convert, multiply-add),
// and the integer sums make the AVX2 and portable variants bit-identical.
#include "CPQKernels.h"

#include <math.h>

float vs_sq8_quantise_weights(const float *w, size_t d, int16_t *out) {
    float widest = 0;
    for (size_t i = 0; i < d; i++) {
        const float a = fabsf(w[i]);
        widest = a > widest ? a : widest;
    }
    // Each int32 lane adds 2·⌈d/16⌉ products of a code (≤ 255) and a weight (≤ top): keep that < 2³¹.
    const double pairs = 2.0 * (double)((d + 15) / 16 + 1);
    double top = 32767;
    if (pairs * 255.0 * top > 2147483647.0) top = floor(2147483647.0 / (pairs * 255.0));
    const float step = widest > 0 ? widest / (float)top : 0;
    const float inverse = widest > 0 ? (float)top / widest : 0;
    // Round half away from zero with a truncating conversion (vectorises; `lrintf` is a call per value).
    for (size_t i = 0; i < d; i++) {
        const float v = w[i] * inverse;
        out[i] = (int16_t)(v >= 0 ? v + 0.5f : v - 0.5f);
    }
    return step;
}

static inline int64_t dot_portable(const uint8_t *c, const int16_t *w, size_t d) {
    int64_t sum = 0;
    for (size_t i = 0; i < d; i++) sum += (int32_t)c[i] * (int32_t)w[i];
    return sum;
}

void vs_sq8_scan_portable(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                          float *out) {
    for (size_t r = 0; r < count; r++) out[r] = bias + step * (float)dot_portable(codes + r * d, w, d);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 void vs_sq8_scan_avx2(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                           float *out) {
    for (size_t r = 0; r < count; r++) {
        const uint8_t *c = codes + r * d;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0;
        size_t i = 0;
        for (; i + 32 <= d; i += 32) {
            const __m256i c0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i)));
            const __m256i c1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i + 16)));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(c0, _mm256_loadu_si256((const __m256i *)(w + i))));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(c1, _mm256_loadu_si256((const __m256i *)(w + i + 16))));
        }
        for (; i + 16 <= d; i += 16) {
            const __m256i c0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i)));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(c0, _mm256_loadu_si256((const __m256i *)(w + i))));
        }
        // Lanes to int64 before the final sum (each lane is < 2³¹; their total need not be).
        const __m256i s = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(a0)),
                                           _mm256_cvtepi32_epi64(_mm256_extracti128_si256(a0, 1)));
        const __m256i t = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(a1)),
                                           _mm256_cvtepi32_epi64(_mm256_extracti128_si256(a1, 1)));
        const __m256i u = _mm256_add_epi64(s, t);
        int64_t lanes[4];
        _mm256_storeu_si256((__m256i *)lanes, u);
        const int64_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3] + dot_portable(c + i, w + i, d - i);
        out[r] = bias + step * (float)sum;
    }
}

#define AVX512BW __attribute__((target("avx512f,avx512bw,avx512vl")))

/// The AVX2 loop at twice the width (32 code/weight pairs per `vpmaddwd`), the last `d % 32` dimensions
/// through masked loads (zeros add nothing). A lane adds 2 products per 32 dimensions, fewer than the
/// AVX2 lanes the weight bound of `vs_sq8_quantise_weights` is set for, so the int32 lanes cannot overflow.
AVX512BW void vs_sq8_scan_avx512(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                                 float *out) {
    const size_t full = d / 32 * 32;
    const __mmask32 tail = (__mmask32)((1ull << (d - full)) - 1);
    for (size_t r = 0; r < count; r++) {
        const uint8_t *c = codes + r * d;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0;
        size_t i = 0;
        for (; i + 64 <= d; i += 64) {
            const __m512i c0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i)));
            const __m512i c1 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i + 32)));
            a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(c0, _mm512_loadu_si512((const void *)(w + i))));
            a1 = _mm512_add_epi32(a1, _mm512_madd_epi16(c1, _mm512_loadu_si512((const void *)(w + i + 32))));
        }
        if (i < full) {
            const __m512i c0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i)));
            a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(c0, _mm512_loadu_si512((const void *)(w + i))));
            i += 32;
        }
        if (tail) {
            const __m512i c0 = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(tail, c + i));
            a1 = _mm512_add_epi32(a1, _mm512_madd_epi16(c0, _mm512_maskz_loadu_epi16(tail, w + i)));
        }
        // Lanes to int64 before the final sum (each lane is < 2³¹; their total need not be).
        const __m512i s = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(a0)),
                                           _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(a0, 1)));
        const __m512i t = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(a1)),
                                           _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(a1, 1)));
        out[r] = bias + step * (float)_mm512_reduce_add_epi64(_mm512_add_epi64(s, t));
    }
}
#else
void vs_sq8_scan_avx512(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                        float *out) {
    vs_sq8_scan_portable(codes, count, d, w, step, bias, out);
}
void vs_sq8_scan_avx2(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                      float *out) {
    vs_sq8_scan_portable(codes, count, d, w, step, bias, out);
}
#endif
