// 1×1 convolution, AVX-512 variant of PointwiseConvolution's register-tiled kernel (same packed
// weights, same loop order, same epilogue). A tile is up to 12 output pixels × one 16-channel
// panel: 12 ZMM accumulators, per input channel one weight-vector load and 12 FMAs whose pixel
// value is an embedded broadcast from memory. The AVX2 kernel needs 12 YMM FMAs + 8 loads for half
// the work (6 × 16); here the loads per FMA fall from 0.67 to 1.08 per twice the lanes, and masks
// handle the right edge and short panels without scalar code.
#include "CConvKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "pointwise_avx512_store.h"

#define AVX512 __attribute__((target("avx512f")))
#define INLINE static inline __attribute__((always_inline))

/// Output rows `row ..< row + R` × the `W` (16 or 8) columns of one panel `b` ([k][W]). `R` and `W`
/// are literals at every call, so the accumulator array lives in registers and the loops unroll.
INLINE AVX512 void tile(const float *a, long k, long n, const float *b, const float *bias, float *c,
                        const float *residual, int relu6, long row, long column, const int R, const int W) {
    __m512 acc[12];
    const __mmask16 wmask = W == 16 ? (__mmask16)0xFFFF : (__mmask16)0x00FF;
    const __m512 b0 = _mm512_maskz_loadu_ps(wmask, bias + column);
    for (int i = 0; i < R; i++) acc[i] = b0;
    const float *ap = a + row * k;
    for (long kk = 0; kk < k; kk++) {
        const __m512 w = W == 16 ? _mm512_loadu_ps(b + kk * 16) : _mm512_maskz_loadu_ps(wmask, b + kk * 8);
        for (int i = 0; i < R; i++) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(ap[i * k + kk]), w, acc[i]);
    }
    const long valid = n - column;
    const __mmask16 mask = valid >= W ? wmask : (__mmask16)((1u << valid) - 1);
    for (int i = 0; i < R; i++) vs_store_row_avx512(acc[i], c, residual, n, row + i, column, mask, relu6);
}

#define TILE_CASES(W)                                                                                 \
    switch (rows) {                                                                                   \
    case 12: tile(a, k, n, b, bias, c, residual, relu6, row, column, 12, W); break;                   \
    case 11: tile(a, k, n, b, bias, c, residual, relu6, row, column, 11, W); break;                   \
    case 10: tile(a, k, n, b, bias, c, residual, relu6, row, column, 10, W); break;                   \
    case 9: tile(a, k, n, b, bias, c, residual, relu6, row, column, 9, W); break;                     \
    case 8: tile(a, k, n, b, bias, c, residual, relu6, row, column, 8, W); break;                     \
    case 7: tile(a, k, n, b, bias, c, residual, relu6, row, column, 7, W); break;                     \
    case 6: tile(a, k, n, b, bias, c, residual, relu6, row, column, 6, W); break;                     \
    case 5: tile(a, k, n, b, bias, c, residual, relu6, row, column, 5, W); break;                     \
    case 4: tile(a, k, n, b, bias, c, residual, relu6, row, column, 4, W); break;                     \
    case 3: tile(a, k, n, b, bias, c, residual, relu6, row, column, 3, W); break;                     \
    case 2: tile(a, k, n, b, bias, c, residual, relu6, row, column, 2, W); break;                     \
    default: tile(a, k, n, b, bias, c, residual, relu6, row, column, 1, W); break;                    \
    }

/// One tile, out of line per panel width (keeps each specialised body small).
static AVX512 __attribute__((noinline)) void tile16(const float *a, long k, long n, const float *b, const float *bias,
                                                    float *c, const float *residual, int relu6, long row, long column,
                                                    long rows) {
    TILE_CASES(16)
}

static AVX512 __attribute__((noinline)) void tile8(const float *a, long k, long n, const float *b, const float *bias,
                                                   float *c, const float *residual, int relu6, long row, long column,
                                                   long rows) {
    TILE_CASES(8)
}

/// Splits `count` rows into tiles of at most 12, as even as possible (49 rows: 12, 12, 12, 13 → 10,
/// 10, 10, 10, 9 rather than 12, 12, 12, 12, 1), so no tile runs nearly empty.
static inline long tile_rows(long remaining) {
    const long tiles = (remaining + 11) / 12;
    return (remaining + tiles - 1) / tiles;
}

AVX512 void vs_pointwise_avx512(const float *a, long k, long n, const float *panels, const float *bias,
                                float *c, const float *residual, int relu6,
                                long row_start, long row_end, long panel_start, long panel_end) {
    if (row_end <= row_start || panel_end <= panel_start) return;
    const long padded = (n + 7) & ~7L;
    const long pixels = row_end - row_start;
    // As the AVX2 kernel: keep the smaller operand in cache.
    if (pixels * k < k * (panel_end - panel_start) * 16) {
        for (long panel = panel_start; panel < panel_end; panel++) {
            const long column = panel * 16;
            const long width = padded - column < 16 ? padded - column : 16;
            const float *b = panels + column * k;
            for (long row = row_start; row < row_end;) {
                const long rows = tile_rows(row_end - row);
                if (width == 16) tile16(a, k, n, b, bias, c, residual, relu6, row, column, rows);
                else tile8(a, k, n, b, bias, c, residual, relu6, row, column, rows);
                row += rows;
            }
        }
    } else {
        for (long row = row_start; row < row_end;) {
            const long rows = tile_rows(row_end - row);
            for (long panel = panel_start; panel < panel_end; panel++) {
                const long column = panel * 16;
                const long width = padded - column < 16 ? padded - column : 16;
                const float *b = panels + column * k;
                if (width == 16) tile16(a, k, n, b, bias, c, residual, relu6, row, column, rows);
                else tile8(a, k, n, b, bias, c, residual, relu6, row, column, rows);
            }
            row += rows;
        }
    }
}
#else
#include <stdlib.h>
void vs_pointwise_avx512(const float *a, long k, long n, const float *panels, const float *bias,
                         float *c, const float *residual, int relu6,
                         long row_start, long row_end, long panel_start, long panel_end) {
    abort();  // never called: vs_cpu_has_avx512() is 0 here
}
#endif
