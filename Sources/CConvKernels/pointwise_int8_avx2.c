// int8 1×1 convolution, AVX2 (CPUs without AVX-512 VNNI). Two inner kernels, both exact:
//
// - Narrow products (2 · max|weight| · max activation ≤ 32,767: ±127 weights with 7-bit activations,
//   the default, or ±64 weights with 8-bit activations): the VNNI
//   instruction emulated, `vpmaddubsw` (u8 × s8, adjacent pairs summed into int16) then `vpmaddwd`
//   with ones (pairs of pairs into int32) and `vpaddd` — 32 multiply-adds per multiply instruction,
//   twice a float32 FMA's. `vpmaddubsw` saturates at 32,767: a pair of products stays below it only
//   if 2 · 255 · |w| or 2 · |a| · 127 does (ONNX Runtime's `reduce_range` answer is 7-bit weights;
//   measured here, weight precision matters more than activation precision, so the default keeps
//   8-bit weights and quantises activations per pixel to 0…127).
// - Otherwise (8-bit weights and 8-bit activations): activations are quantised straight to int16, weights
//   widened with `vpmovsxbw`, and `vpmaddwd` sums pairs into int32 exactly (no faster than float32;
//   it keeps such weights correct on AVX2).
//
// Both read the VNNI panel layout ([quad][16 columns][4]). Tiles of 4 rows × 16 (narrow) or 8 columns.
#include "pointwise_int8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/// Quantises `k` floats of `row` into int16 `dst` (`stride` values, zero-padded); returns the rule.
static AVX2 vs_row_quant quantize_row(const float *row, long k, float clip, int levels, int16_t *dst, long stride) {
    __m256 vmin = _mm256_set1_ps(row[0]), vmax = vmin;
    long i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 x = _mm256_loadu_ps(row + i);
        vmin = _mm256_min_ps(vmin, x);
        vmax = _mm256_max_ps(vmax, x);
    }
    float minimum, maximum;
    {
        float lanes_min[8], lanes_max[8];
        _mm256_storeu_ps(lanes_min, vmin);
        _mm256_storeu_ps(lanes_max, vmax);
        minimum = lanes_min[0];
        maximum = lanes_max[0];
        for (int j = 1; j < 8; j++) {
            minimum = lanes_min[j] < minimum ? lanes_min[j] : minimum;
            maximum = lanes_max[j] > maximum ? lanes_max[j] : maximum;
        }
        for (; i < k; i++) {
            minimum = row[i] < minimum ? row[i] : minimum;
            maximum = row[i] > maximum ? row[i] : maximum;
        }
    }
    const vs_row_quant r = vs_int8_row_quant(minimum, maximum, clip, levels);
    const __m256 inv = _mm256_set1_ps(r.inv), lo = _mm256_set1_ps(r.lo), hi = _mm256_set1_ps(r.hi);
    const __m256i zero = _mm256_set1_epi32(r.zero);
    for (i = 0; i + 8 <= k; i += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(row + i), inv);
        v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
        const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), zero);
        // int32 → int16 (values fit: 0…255): pack within lanes, then put the two lanes' halves together.
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(q, q), _MM_SHUFFLE(3, 1, 2, 0));
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_castsi256_si128(packed));
    }
    for (; i < k; i++) {
        float v = row[i] * r.inv;
        v = v < r.lo ? r.lo : v;
        v = v > r.hi ? r.hi : v;
        dst[i] = (int16_t)(_mm_cvtss_si32(_mm_set_ss(v)) + r.zero);
    }
    for (; i < stride; i++) dst[i] = 0;
    return r;
}

/// The epilogue of eight columns of one row: exact int32 sums → minus zero point × column sums, times row
/// scale × column scales, plus bias (one FMA), ReLU6, plus the residual, stored (`valid` < 8: a partial store).
INLINE AVX2 void store_eight(__m256i total, vs_row_quant rule, __m256i sums, __m256 scales, __m256 bias, int relu6,
                             float *c, const float *residual, long offset, long valid) {
    total = _mm256_sub_epi32(total, _mm256_mullo_epi32(_mm256_set1_epi32(rule.zero), sums));
    const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(rule.scale), scales);
    __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), scale, bias);
    if (relu6) v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(6.0f));
    if (valid >= 8) {
        if (residual) v = _mm256_add_ps(v, _mm256_loadu_ps(residual + offset));
        _mm256_storeu_ps(c + offset, v);
    } else {
        float lanes[8];
        _mm256_storeu_ps(lanes, v);
        for (long j = 0; j < valid; j++) c[offset + j] = lanes[j] + (residual ? residual[offset + j] : 0.0f);
    }
}

/// Rows `row ..< row + R` × columns `column ..< column + 8` (half `half` of a 16-column panel).
INLINE AVX2 void tile(const int16_t *q, long stride, const vs_row_quant *rules, vs_int8_weights w, float *c,
                      const float *residual, int relu6, long row, long panel, long half, const int R) {
    const long quads = stride / 4, column = panel * 16 + half * 8, n = w.n;
    const int8_t *b = w.panels + panel * quads * 64 + half * 32;
    __m256i lo[4], hi[4];
    for (int i = 0; i < R; i++) lo[i] = hi[i] = _mm256_setzero_si256();
    for (long qd = 0; qd < quads; qd++) {
        const __m256i w03 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + qd * 64)));
        const __m256i w47 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + qd * 64 + 16)));
        for (int i = 0; i < R; i++) {
            int64_t four;
            memcpy(&four, q + i * stride + qd * 4, 8);
            const __m256i x = _mm256_set1_epi64x(four);
            lo[i] = _mm256_add_epi32(lo[i], _mm256_madd_epi16(x, w03));
            hi[i] = _mm256_add_epi32(hi[i], _mm256_madd_epi16(x, w47));
        }
    }
    const long valid = n - column;
    const __m256i sums = _mm256_loadu_si256((const __m256i *)(w.column_sums + column));
    const __m256 scales = _mm256_loadu_ps(w.scales + column), bias = _mm256_loadu_ps(w.bias + column);
    for (int i = 0; i < R; i++) {
        // [c0 c1 c4 c5 | c2 c3 c6 c7] → columns in order.
        const __m256i total = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[i], hi[i]), _MM_SHUFFLE(3, 1, 2, 0));
        store_eight(total, rules[i], sums, scales, bias, relu6, c, residual, (row + i) * n + column, valid);
    }
}

static AVX2 __attribute__((noinline)) void tile_any(const int16_t *q, long stride, const vs_row_quant *rules,
                                                    vs_int8_weights w, float *c, const float *residual, int relu6,
                                                    long row, long panel, long half, long rows) {
    switch (rows) {
    case 4: tile(q, stride, rules, w, c, residual, relu6, row, panel, half, 4); break;
    case 3: tile(q, stride, rules, w, c, residual, relu6, row, panel, half, 3); break;
    case 2: tile(q, stride, rules, w, c, residual, relu6, row, panel, half, 2); break;
    default: tile(q, stride, rules, w, c, residual, relu6, row, panel, half, 1); break;
    }
}

/// Quantises `k` floats of `row` into u8 `dst` (`stride` bytes, zero-padded), the same values as
/// `quantize_row`; returns the rule.
static AVX2 vs_row_quant quantize_row_u8(const float *row, long k, float clip, int levels, uint8_t *dst, long stride) {
    int16_t wide[VS_INT8_MAX_K];
    const vs_row_quant r = quantize_row(row, k, clip, levels, wide, stride);
    long i = 0;
    for (; i + 32 <= stride; i += 32) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(wide + i));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(wide + i + 16));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), _MM_SHUFFLE(3, 1, 2, 0)));
    }
    for (; i < stride; i++) dst[i] = (uint8_t)wide[i];
    return r;
}

/// Narrow weights: rows `row ..< row + R` (u8 in `q`) × the 16 columns of `panel`, emulating `vpdpbusd`.
INLINE AVX2 void tile_narrow(const uint8_t *q, long stride, const vs_row_quant *rules, vs_int8_weights w, float *c,
                             const float *residual, int relu6, long row, long panel, const int R) {
    const long quads = stride / 4, column = panel * 16, n = w.n;
    const int8_t *b = w.panels + panel * quads * 64;
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i lo[4], hi[4];
    for (int i = 0; i < R; i++) lo[i] = hi[i] = _mm256_setzero_si256();
    for (long qd = 0; qd < quads; qd++) {
        const __m256i w0 = _mm256_loadu_si256((const __m256i *)(b + qd * 64));
        const __m256i w1 = _mm256_loadu_si256((const __m256i *)(b + qd * 64 + 32));
        for (int i = 0; i < R; i++) {
            int32_t four;
            memcpy(&four, q + i * stride + qd * 4, 4);
            const __m256i x = _mm256_set1_epi32(four);
            lo[i] = _mm256_add_epi32(lo[i], _mm256_madd_epi16(_mm256_maddubs_epi16(x, w0), ones));
            hi[i] = _mm256_add_epi32(hi[i], _mm256_madd_epi16(_mm256_maddubs_epi16(x, w1), ones));
        }
    }
    for (long half = 0; half < 2; half++) {
        const long col = column + half * 8, valid = n - col;
        if (valid <= 0) break;
        const __m256i sums = _mm256_loadu_si256((const __m256i *)(w.column_sums + col));
        const __m256 scales = _mm256_loadu_ps(w.scales + col), bias = _mm256_loadu_ps(w.bias + col);
        for (int i = 0; i < R; i++) {
            store_eight(half == 0 ? lo[i] : hi[i], rules[i], sums, scales, bias, relu6, c, residual, (row + i) * n + col, valid);
        }
    }
}

static AVX2 __attribute__((noinline)) void tile_narrow_any(const uint8_t *q, long stride, const vs_row_quant *rules,
                                                           vs_int8_weights w, float *c, const float *residual, int relu6,
                                                           long row, long panel, long rows) {
    switch (rows) {
    case 4: tile_narrow(q, stride, rules, w, c, residual, relu6, row, panel, 4); break;
    case 3: tile_narrow(q, stride, rules, w, c, residual, relu6, row, panel, 3); break;
    case 2: tile_narrow(q, stride, rules, w, c, residual, relu6, row, panel, 2); break;
    default: tile_narrow(q, stride, rules, w, c, residual, relu6, row, panel, 1); break;
    }
}

/// The narrow-weight kernel: blocks of up to 12 rows quantised to u8, then 4-row tiles per panel.
static AVX2 void pointwise_narrow(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                                  float clip, long row_start, long row_end, long panel_start, long panel_end) {
    const long k = w.k, stride = (k + 3) / 4 * 4;
    uint8_t block[VS_INT8_BLOCK_ROWS * VS_INT8_MAX_K] __attribute__((aligned(32)));
    vs_row_quant rules[VS_INT8_BLOCK_ROWS];
    for (long row = row_start; row < row_end;) {
        const long rows = vs_int8_block_rows(row_end - row);
        for (long i = 0; i < rows; i++) rules[i] = quantize_row_u8(a + (row + i) * k, k, clip, w.levels, block + i * stride, stride);
        for (long panel = panel_start; panel < panel_end; panel++) {
            for (long sub = 0; sub < rows; sub += 4) {
                const long count = rows - sub < 4 ? rows - sub : 4;
                tile_narrow_any(block + sub * stride, stride, rules + sub, w, c, residual, relu6, row + sub, panel, count);
            }
        }
        row += rows;
    }
}

AVX2 void vs_pointwise_int8_avx2(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                                 float clip, long row_start, long row_end, long panel_start, long panel_end) {
    if (w.narrow) {
        pointwise_narrow(a, w, c, residual, relu6, clip, row_start, row_end, panel_start, panel_end);
        return;
    }
    const long k = w.k, stride = (k + 3) / 4 * 4;
    int16_t block[VS_INT8_BLOCK_ROWS * VS_INT8_MAX_K] __attribute__((aligned(32)));
    vs_row_quant rules[VS_INT8_BLOCK_ROWS];
    for (long row = row_start; row < row_end;) {
        const long rows = vs_int8_block_rows(row_end - row);
        for (long i = 0; i < rows; i++) rules[i] = quantize_row(a + (row + i) * k, k, clip, w.levels, block + i * stride, stride);
        for (long panel = panel_start; panel < panel_end; panel++) {
            for (long half = 0; half < 2 && panel * 16 + half * 8 < w.n; half++) {
                for (long sub = 0; sub < rows; sub += 4) {
                    const long count = rows - sub < 4 ? rows - sub : 4;
                    tile_any(block + sub * stride, stride, rules + sub, w, c, residual, relu6, row + sub, panel, half, count);
                }
            }
        }
        row += rows;
    }
}

#else
#include <stdlib.h>
void vs_pointwise_int8_avx2(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                            float clip, long row_start, long row_end, long panel_start, long panel_end) {
    abort();  // never called off x86-64
}
#endif
