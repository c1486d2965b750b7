// AVX2 and AVX-512 BW fast-scan kernels (layout and contract: CPQKernels.h).
//
// Per block: the 16 code bytes of sub-quantiser m are split into low nibbles (vectors 0–15) and high
// nibbles (vectors 16–31); `vpshufb` with the 16-entry table of m in the same 128-bit lane turns each nibble
// into its table byte. Bytes are summed in 16-bit lanes without unpacking: a 16-bit lane holds the bytes of
// two vectors (even in the low byte, odd in the high byte), so `x & 0x00FF` and `x >> 8` accumulate the even
// and the odd vectors separately. At the end of a block the 128-bit lanes (different sub-quantisers, same
// vectors) are added and the even/odd sums interleaved back into vector order.
#include "CPQKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512bw,avx2,fma")))

/// Writes 32 scores from the four 8 × u16 sums (even/odd vectors of the low and high nibbles).
static inline __attribute__((always_inline)) AVX2 void finish(__m128i lo_even, __m128i lo_odd, __m128i hi_even,
                                                               __m128i hi_odd, float bias, float scale, float *out) {
    const __m128i v[4] = {_mm_unpacklo_epi16(lo_even, lo_odd), _mm_unpackhi_epi16(lo_even, lo_odd),
                          _mm_unpacklo_epi16(hi_even, hi_odd), _mm_unpackhi_epi16(hi_even, hi_odd)};
    const __m256 b = _mm256_set1_ps(bias), s = _mm256_set1_ps(scale);
    for (int i = 0; i < 4; i++) {
        const __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(v[i]));
        // Multiply then subtract (not fused), rounding exactly like the portable kernel.
        _mm256_storeu_ps(out + 8 * i, _mm256_sub_ps(b, _mm256_mul_ps(s, f)));
    }
}

AVX2 void vs_pq4_scan_blocks_avx2(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                                  float bias, float scale, float *out) {
    const __m256i nibble = _mm256_set1_epi8(15), low = _mm256_set1_epi16(0x00FF);
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = codes + b * 16 * m;
        __m256i le = _mm256_setzero_si256(), lo = le, he = le, ho = le;
        for (size_t s = 0; s < m; s += 2) {
            const __m256i c = _mm256_loadu_si256((const __m256i *)(block + s * 16));
            const __m256i t = _mm256_loadu_si256((const __m256i *)(lut + s * 16));
            const __m256i dl = _mm256_shuffle_epi8(t, _mm256_and_si256(c, nibble));
            const __m256i dh = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(c, 4), nibble));
            le = _mm256_add_epi16(le, _mm256_and_si256(dl, low));
            lo = _mm256_add_epi16(lo, _mm256_srli_epi16(dl, 8));
            he = _mm256_add_epi16(he, _mm256_and_si256(dh, low));
            ho = _mm256_add_epi16(ho, _mm256_srli_epi16(dh, 8));
        }
#define FOLD(x) _mm_add_epi16(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1))
        finish(FOLD(le), FOLD(lo), FOLD(he), FOLD(ho), bias, scale, out + 32 * b);
#undef FOLD
    }
}

/// Sum of the four 128-bit lanes of a ZMM register of u16.
static inline __attribute__((always_inline)) AVX512 __m128i fold4(__m512i x) {
    const __m256i h = _mm256_add_epi16(_mm512_castsi512_si256(x), _mm512_extracti64x4_epi64(x, 1));
    return _mm_add_epi16(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

AVX512 void vs_pq4_scan_blocks_avx512(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                                      float bias, float scale, float *out) {
    const __m512i nibble = _mm512_set1_epi8(15), low = _mm512_set1_epi16(0x00FF);
    const __m256i nibble2 = _mm256_set1_epi8(15), low2 = _mm256_set1_epi16(0x00FF);
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = codes + b * 16 * m;
        __m512i le = _mm512_setzero_si512(), lo = le, he = le, ho = le;
        size_t s = 0;
        for (; s + 4 <= m; s += 4) {
            const __m512i c = _mm512_loadu_si512((const void *)(block + s * 16));
            const __m512i t = _mm512_loadu_si512((const void *)(lut + s * 16));
            const __m512i dl = _mm512_shuffle_epi8(t, _mm512_and_si512(c, nibble));
            const __m512i dh = _mm512_shuffle_epi8(t, _mm512_and_si512(_mm512_srli_epi16(c, 4), nibble));
            le = _mm512_add_epi16(le, _mm512_and_si512(dl, low));
            lo = _mm512_add_epi16(lo, _mm512_srli_epi16(dl, 8));
            he = _mm512_add_epi16(he, _mm512_and_si512(dh, low));
            ho = _mm512_add_epi16(ho, _mm512_srli_epi16(dh, 8));
        }
        __m128i e0 = fold4(le), o0 = fold4(lo), e1 = fold4(he), o1 = fold4(ho);
        if (s < m) {  // M ≡ 2 (mod 4): the last two sub-quantisers with 32-byte registers
            const __m256i c = _mm256_loadu_si256((const __m256i *)(block + s * 16));
            const __m256i t = _mm256_loadu_si256((const __m256i *)(lut + s * 16));
            const __m256i dl = _mm256_shuffle_epi8(t, _mm256_and_si256(c, nibble2));
            const __m256i dh = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(c, 4), nibble2));
#define FOLD(x) _mm_add_epi16(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1))
            e0 = _mm_add_epi16(e0, FOLD(_mm256_and_si256(dl, low2)));
            o0 = _mm_add_epi16(o0, FOLD(_mm256_srli_epi16(dl, 8)));
            e1 = _mm_add_epi16(e1, FOLD(_mm256_and_si256(dh, low2)));
            o1 = _mm_add_epi16(o1, FOLD(_mm256_srli_epi16(dh, 8)));
#undef FOLD
        }
        finish(e0, o0, e1, o1, bias, scale, out + 32 * b);
    }
}

#else
// Other architectures: the SIMD entry points fall back to the portable code (never selected there).
void vs_pq4_scan_blocks_avx2(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                             float bias, float scale, float *out) {
    vs_pq4_scan_blocks_portable(codes, blocks, lut, m, bias, scale, out);
}
void vs_pq4_scan_blocks_avx512(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                               float bias, float scale, float *out) {
    vs_pq4_scan_blocks_portable(codes, blocks, lut, m, bias, scale, out);
}
#endif
