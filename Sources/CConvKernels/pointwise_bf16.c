// 1×1 convolution with bfloat16 dot products (AVX-512 BF16, `vdpbf16ps`), an opt-in reduced-precision
// variant of vs_pointwise_avx512: weights are rounded to bf16 once at load (panels of 16 columns, pairs
// of input channels interleaved), each block of up to 12 activation rows is rounded to bf16 pairs into a
// stack buffer, and every `vdpbf16ps` multiplies 16 columns × 2 input channels, accumulating in float32.
// That is twice the multiply-adds per instruction of the float32 FMA kernel (on Zen 4, where a 512-bit
// FMA is double-pumped, it is the only way to more FLOPs per cycle). Inputs and weights keep 8 bits of
// mantissa, so results differ from float32 by ~0.3% per layer; never the default (see KernelISA).
#include "CConvKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "pointwise_avx512_store.h"
#include <string.h>

#define BF16 __attribute__((target("avx512f,avx512bf16")))
#define INLINE static inline __attribute__((always_inline))

enum { MAX_ROWS = 12, MAX_PAIRS = 2048 };

/// Rows `R` of `pairs` (each row `pairs` uint32 = two bf16) × one 16-column bf16 panel `b` ([pairs][16][2]).
INLINE BF16 void tile(const uint32_t *pairs_rows, long pairs, long n, const uint16_t *b, const float *bias, float *c,
                      const float *residual, int relu6, long row, long column, const int R) {
    __m512 acc[MAX_ROWS];
    const long valid = n - column;
    const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
    const __m512 b0 = _mm512_maskz_loadu_ps(mask, bias + column);
    for (int i = 0; i < R; i++) acc[i] = b0;
    for (long p = 0; p < pairs; p++) {
        const __m512bh w = (__m512bh)_mm512_loadu_si512((const void *)(b + p * 32));
        for (int i = 0; i < R; i++)
            acc[i] = _mm512_dpbf16_ps(acc[i], (__m512bh)_mm512_set1_epi32((int)pairs_rows[i * pairs + p]), w);
    }
    for (int i = 0; i < R; i++) vs_store_row_avx512(acc[i], c, residual, n, row + i, column, mask, relu6);
}

static BF16 __attribute__((noinline)) void tile_any(const uint32_t *pairs_rows, long pairs, long n, const uint16_t *b,
                                                    const float *bias, float *c, const float *residual, int relu6,
                                                    long row, long column, long rows) {
    switch (rows) {
#define CASE(R) case R: tile(pairs_rows, pairs, n, b, bias, c, residual, relu6, row, column, R); break;
    CASE(12) CASE(11) CASE(10) CASE(9) CASE(8) CASE(7) CASE(6) CASE(5) CASE(4) CASE(3) CASE(2)
    default: tile(pairs_rows, pairs, n, b, bias, c, residual, relu6, row, column, 1); break;
#undef CASE
    }
}

/// Row `src` (k floats) → `pairs` uint32 of two round-to-nearest-even bf16 (a zero pads an odd k).
static BF16 void round_row(const float *src, long k, uint32_t *dst) {
    long i = 0;
    for (; i + 32 <= k; i += 32) {
        const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
        _mm512_storeu_si512((void *)(dst + i / 2), (__m512i)v);
    }
    if (i < k) {
        const long left = k - i;
        const __mmask16 lo = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __mmask16 hi = left > 16 ? (__mmask16)((1u << (left - 16)) - 1) : 0;
        const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(hi, src + i + 16), _mm512_maskz_loadu_ps(lo, src + i));
        uint32_t tmp[16];
        _mm512_storeu_si512((void *)tmp, (__m512i)v);
        memcpy(dst + i / 2, tmp, (size_t)((left + 1) / 2) * sizeof(uint32_t));
    }
}

BF16 void vs_pointwise_bf16(const float *a, long k, long n, const uint16_t *panels, const float *bias,
                            float *c, const float *residual, int relu6,
                            long row_start, long row_end, long panel_start, long panel_end) {
    if (row_end <= row_start || panel_end <= panel_start) return;
    const long pairs = (k + 1) / 2;
    uint32_t block[MAX_ROWS * MAX_PAIRS];
    for (long row = row_start; row < row_end;) {
        const long remaining = row_end - row;
        const long tiles = (remaining + MAX_ROWS - 1) / MAX_ROWS;
        const long rows = (remaining + tiles - 1) / tiles;
        for (long i = 0; i < rows; i++) round_row(a + (row + i) * k, k, block + i * pairs);
        for (long panel = panel_start; panel < panel_end; panel++)
            tile_any(block, pairs, n, panels + panel * pairs * 32, bias, c, residual, relu6, row, panel * 16, rows);
        row += rows;
    }
}

#else
#include <stdlib.h>
void vs_pointwise_bf16(const float *a, long k, long n, const uint16_t *panels, const float *bias,
                       float *c, const float *residual, int relu6,
                       long row_start, long row_end, long panel_start, long panel_end) { abort(); }
#endif
