// Depthwise k×k convolution, AVX-512 variant of the interior of DepthwiseConvolution's rows (the
// pixels whose taps all fall inside the image; edges stay in Swift). Tiles of 4 output pixels × 16
// channels: each tap's weight vector serves 4 FMAs. Channel tails (and channel ranges that are not
// multiples of 16) use masked loads and stores.
#include "CConvKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE static inline __attribute__((always_inline))

/// Output pixels `ox ..< ox + COUNT` × channels `ch_start ..< ch_end`. `K`, `S`, `COUNT` are literals.
INLINE AVX512 void tile(const float *in_row, long row_stride, long channels, long ch_start, long ch_end,
                        const float *taps, const float *bias, long ky_start, long ky_end, int relu6,
                        float *out_row, long ox, long pad_left, const int K, const int S, const int COUNT) {
    const float *base = in_row + (ox * S - pad_left) * channels;
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
    for (long cb = ch_start; cb < ch_end; cb += 16) {
        const long left = ch_end - cb;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 acc[4];
        const __m512 b = _mm512_maskz_loadu_ps(mask, bias + cb);
        for (int j = 0; j < COUNT; j++) acc[j] = b;
        for (long y = ky_start; y < ky_end; y++) {
            const float *row = base + y * row_stride + cb;
            const float *tap = taps + y * K * channels + cb;
            for (int x = 0; x < K; x++) {
                const __m512 w = _mm512_maskz_loadu_ps(mask, tap + x * channels);
                for (int j = 0; j < COUNT; j++)
                    acc[j] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, row + (j * S + x) * channels), w, acc[j]);
            }
        }
        float *o = out_row + ox * channels + cb;
        for (int j = 0; j < COUNT; j++) {
            __m512 v = acc[j];
            if (relu6) v = _mm512_min_ps(_mm512_max_ps(v, zero), six);
            _mm512_mask_storeu_ps(o + j * channels, mask, v);
        }
    }
}

#define ROW(K, S)                                                                                        \
    static AVX512 __attribute__((noinline)) void row_##K##_##S(                                         \
        const float *in_row, long row_stride, long channels, long ch_start, long ch_end, const float *taps, \
        const float *bias, long ky_start, long ky_end, int relu6, float *out_row, long col_start, long col_end, \
        long pad_left) {                                                                                 \
        long ox = col_start;                                                                             \
        for (; ox + 4 <= col_end; ox += 4)                                                               \
            tile(in_row, row_stride, channels, ch_start, ch_end, taps, bias, ky_start, ky_end, relu6, out_row, ox, pad_left, K, S, 4); \
        switch (col_end - ox) {                                                                          \
        case 3: tile(in_row, row_stride, channels, ch_start, ch_end, taps, bias, ky_start, ky_end, relu6, out_row, ox, pad_left, K, S, 3); break; \
        case 2: tile(in_row, row_stride, channels, ch_start, ch_end, taps, bias, ky_start, ky_end, relu6, out_row, ox, pad_left, K, S, 2); break; \
        case 1: tile(in_row, row_stride, channels, ch_start, ch_end, taps, bias, ky_start, ky_end, relu6, out_row, ox, pad_left, K, S, 1); break; \
        default: break;                                                                                  \
        }                                                                                                \
    }

ROW(3, 1)
ROW(3, 2)
ROW(5, 1)
ROW(5, 2)

/// Any other kernel size or stride: one pixel at a time, taps in loops.
static AVX512 __attribute__((noinline)) void row_generic(
    const float *in_row, long row_stride, long channels, long ch_start, long ch_end, const float *taps,
    const float *bias, long ky_start, long ky_end, int relu6, float *out_row, long col_start, long col_end,
    long pad_left, long k, long s) {
    for (long ox = col_start; ox < col_end; ox++) {
        const float *base = in_row + (ox * s - pad_left) * channels;
        for (long cb = ch_start; cb < ch_end; cb += 16) {
            const long left = ch_end - cb;
            const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            __m512 acc = _mm512_maskz_loadu_ps(mask, bias + cb);
            for (long y = ky_start; y < ky_end; y++)
                for (long x = 0; x < k; x++)
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, base + y * row_stride + x * channels + cb),
                                          _mm512_maskz_loadu_ps(mask, taps + (y * k + x) * channels + cb), acc);
            if (relu6) acc = _mm512_min_ps(_mm512_max_ps(acc, _mm512_setzero_ps()), _mm512_set1_ps(6.0f));
            _mm512_mask_storeu_ps(out_row + ox * channels + cb, mask, acc);
        }
    }
}

AVX512 void vs_depthwise_row_avx512(const float *in_row, long row_stride, long channels, long ch_start, long ch_end,
                                    const float *taps, const float *bias, long ky_start, long ky_end, int relu6,
                                    float *out_row, long col_start, long col_end, long pad_left, long k, long s) {
    if (col_end <= col_start || ch_end <= ch_start) return;
#define ARGS in_row, row_stride, channels, ch_start, ch_end, taps, bias, ky_start, ky_end, relu6, out_row, col_start, col_end, pad_left
    if (k == 3 && s == 1) row_3_1(ARGS);
    else if (k == 3 && s == 2) row_3_2(ARGS);
    else if (k == 5 && s == 1) row_5_1(ARGS);
    else if (k == 5 && s == 2) row_5_2(ARGS);
    else row_generic(ARGS, k, s);
#undef ARGS
}
#else
#include <stdlib.h>
void vs_depthwise_row_avx512(const float *in_row, long row_stride, long channels, long ch_start, long ch_end,
                             const float *taps, const float *bias, long ky_start, long ky_end, int relu6,
                             float *out_row, long col_start, long col_end, long pad_left, long k, long s) {
    abort();  // never called: vs_cpu_has_avx512() is 0 here
}
#endif
