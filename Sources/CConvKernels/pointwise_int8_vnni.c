// int8 1×1 convolution, AVX-512 VNNI: each `vpdpbusd` multiplies 16 columns × 4 input channels
// (u8 activations × s8 weights) and adds the four products into int32 lanes — 64 multiply-adds per
// instruction, four times a float32 FMA's. A block of up to 12 rows is quantised into a stack buffer
// (vectorised min/max, scale, round, saturate), then every panel runs as one tile: 12 ZMM int32
// accumulators starting at −zero·colsum, per quad of input channels one weight load and one
// `vpdpbusd` per row with the row's four bytes broadcast from memory. The epilogue converts, scales
// (row scale × column scale), adds the bias with one FMA, applies ReLU6 and the residual, and stores
// with a mask — the same float operations in the same order as the portable path.
#include "pointwise_int8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define INLINE static inline __attribute__((always_inline))

/// Quantises `k` floats of `row` into `dst` (`stride` bytes, zero-padded) and returns the rule used.
static VNNI vs_row_quant quantize_row(const float *row, long k, float clip, int levels, uint8_t *dst, long stride) {
    __m512 vmin = _mm512_set1_ps(row[0]), vmax = vmin;
    long i = 0;
    for (; i + 16 <= k; i += 16) {
        const __m512 x = _mm512_loadu_ps(row + i);
        vmin = _mm512_min_ps(vmin, x);
        vmax = _mm512_max_ps(vmax, x);
    }
    if (i < k) {
        const __mmask16 m = (__mmask16)((1u << (k - i)) - 1);
        vmin = _mm512_mask_min_ps(vmin, m, vmin, _mm512_maskz_loadu_ps(m, row + i));
        vmax = _mm512_mask_max_ps(vmax, m, vmax, _mm512_maskz_loadu_ps(m, row + i));
    }
    const vs_row_quant r = vs_int8_row_quant(_mm512_reduce_min_ps(vmin), _mm512_reduce_max_ps(vmax), clip, levels);
    const __m512 inv = _mm512_set1_ps(r.inv), lo = _mm512_set1_ps(r.lo), hi = _mm512_set1_ps(r.hi);
    const __m512i zero = _mm512_set1_epi32(r.zero);
    for (i = 0; i < k; i += 16) {
        const long left = k - i;
        const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + i), inv);
        v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
        const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), zero);
        _mm_mask_storeu_epi8(dst + i, m, _mm512_cvtepi32_epi8(q));
    }
    memset(dst + k, 0, (size_t)(stride - k));
    return r;
}

/// Rows `row ..< row + R` (quantised in `q`, `stride` bytes apart, rules `rules`) × the 16 columns of
/// panel `panel`. `R` is a literal at every call, so the accumulators stay in registers.
INLINE VNNI void tile(const uint8_t *q, long stride, const vs_row_quant *rules, vs_int8_weights w, float *c,
                      const float *residual, int relu6, long row, long panel, const int R) {
    const long quads = stride / 4, column = panel * 16, n = w.n;
    const int8_t *b = w.panels + panel * quads * 64;
    const __m512i sums = _mm512_loadu_si512((const void *)(w.column_sums + column));
    __m512i acc[VS_INT8_BLOCK_ROWS];
    for (int i = 0; i < R; i++) acc[i] = _mm512_mullo_epi32(_mm512_set1_epi32(-rules[i].zero), sums);
    for (long qd = 0; qd < quads; qd++) {
        const __m512i wv = _mm512_loadu_si512((const void *)(b + qd * 64));
        for (int i = 0; i < R; i++) {
            int32_t four;
            memcpy(&four, q + i * stride + qd * 4, 4);
            acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_set1_epi32(four), wv);
        }
    }
    const long valid = n - column;
    const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
    const __m512 scales = _mm512_loadu_ps(w.scales + column), bias = _mm512_loadu_ps(w.bias + column);
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
    for (int i = 0; i < R; i++) {
        const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(rules[i].scale), scales);
        __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[i]), scale, bias);
        if (relu6) v = _mm512_min_ps(_mm512_max_ps(v, zero), six);
        const long offset = (row + i) * n + column;
        if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, residual + offset));
        _mm512_mask_storeu_ps(c + offset, mask, v);
    }
}

static VNNI __attribute__((noinline)) void tile_any(const uint8_t *q, long stride, const vs_row_quant *rules,
                                                    vs_int8_weights w, float *c, const float *residual, int relu6,
                                                    long row, long panel, long rows) {
    switch (rows) {
#define CASE(R) case R: tile(q, stride, rules, w, c, residual, relu6, row, panel, R); break;
    CASE(12) CASE(11) CASE(10) CASE(9) CASE(8) CASE(7) CASE(6) CASE(5) CASE(4) CASE(3) CASE(2)
    default: tile(q, stride, rules, w, c, residual, relu6, row, panel, 1); break;
#undef CASE
    }
}

VNNI void vs_pointwise_int8_vnni(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                                 float clip, long row_start, long row_end, long panel_start, long panel_end) {
    const long k = w.k, stride = (k + 3) / 4 * 4;
    uint8_t block[VS_INT8_BLOCK_ROWS * VS_INT8_MAX_K] __attribute__((aligned(64)));
    vs_row_quant rules[VS_INT8_BLOCK_ROWS];
    for (long row = row_start; row < row_end;) {
        const long rows = vs_int8_block_rows(row_end - row);
        for (long i = 0; i < rows; i++) rules[i] = quantize_row(a + (row + i) * k, k, clip, w.levels, block + i * stride, stride);
        for (long panel = panel_start; panel < panel_end; panel++)
            tile_any(block, stride, rules, w, c, residual, relu6, row, panel, rows);
        row += rows;
    }
}

#else
#include <stdlib.h>
void vs_pointwise_int8_vnni(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                            float clip, long row_start, long row_end, long panel_start, long panel_end) {
    abort();  // never called: vs_cpu_has_avx512_vnni() is 0 here
}
#endif
