// AVX-512 variants of the Tensor target's hot convolution kernels (the CPU check that decides whether
// they may run is CCPUFeatures'). Swift cannot compile one function for a wider ISA than its module (the
// `Tensor` target is built for x86-64-v3 = AVX2 + FMA), so these few kernels are C with intrinsics
// and per-function `target("avx512f")` attributes: the object code holds AVX-512 instructions only
// inside these functions, and `Tensor` calls them only after `vs_cpu_has_avx512()` said yes, so a
// machine without AVX-512 never executes one (no SIGILL).
//
// The int8 1×1 kernel (`vs_pointwise_int8`, pointwise_int8*.c) has AVX-512 VNNI, AVX2 and portable
// variants under one entry point; AVX-512 VNNI runs only after `vs_cpu_has_avx512_vnni()` said yes.
//
// Layouts are those of the Swift kernels (see PointwiseConvolution.swift, DepthwiseConvolution.swift):
// NHWC activations, channels contiguous; 1×1 weights packed in column panels of 16 (the last one 8
// wide when the padded width is not a multiple of 16), each panel [k][width] contiguous.
#ifndef CCONVKERNELS_H
#define CCONVKERNELS_H

#include <stdint.h>

#include "CCPUFeatures.h"  // vs_cpu_has_avx512(), vs_cpu_has_avx512_bf16(), vs_cpu_has_avx512_vnni()

#ifdef __cplusplus
extern "C" {
#endif

/// 1×1 convolution (AVX-512): for output rows `row_start ..< row_end` and column panels
/// `panel_start ..< panel_end`: `c[p][j] = act(sum_k a[p][k] · W[k][j] + bias[j]) (+ residual[p][j])`.
/// `a` is [P × k] row-major, `c` and `residual` (may be NULL) are [P × n]; `panels` the packed weights;
/// `bias` padded to the packed width. `relu6` selects min(max(x, 0), 6). Call only when
/// `vs_cpu_has_avx512()` returned 1.
void vs_pointwise_avx512(const float *a, long k, long n, const float *panels, const float *bias,
                         float *c, const float *residual, int relu6,
                         long row_start, long row_end, long panel_start, long panel_end);

/// The interior of one output row of a depthwise k×k convolution (AVX-512): output pixels
/// `col_start ..< col_end` whose taps all fall inside the image, channels `ch_start ..< ch_end`
/// (any counts; tails use masks). `in_row` points at input row `oy·s − pad_top` (tap row 0, which may
/// lie in the padding: only tap rows `ky_start ..< ky_end` are read), `row_stride` floats per input row,
/// `channels` per pixel; `taps` [k·k][channels], `bias` [channels]; `out_row` the output row.
/// Call only when `vs_cpu_has_avx512()` returned 1.
void vs_depthwise_row_avx512(const float *in_row, long row_stride, long channels, long ch_start, long ch_end,
                             const float *taps, const float *bias, long ky_start, long ky_end, int relu6,
                             float *out_row, long col_start, long col_end, long pad_left, long k, long s);

/// 1×1 convolution with bfloat16 dot products (opt-in reduced precision): as `vs_pointwise_avx512`,
/// but the weights are `panels_bf16` (every panel 16 columns wide, `(k + 1) / 2` rows of 16 column pairs:
/// element [p][j][t] = W[2p + t][16·panel + j] in bf16, zero beyond k and n), and each activation is
/// rounded to bf16 before the products; sums are float32. Requires k ≤ 4096. Call only when
/// `vs_cpu_has_avx512_bf16()` returned 1.
void vs_pointwise_bf16(const float *a, long k, long n, const uint16_t *panels_bf16, const float *bias,
                       float *c, const float *residual, int relu6,
                       long row_start, long row_end, long panel_start, long panel_end);

/// Instruction sets of the int8 1×1 kernel (`vs_pointwise_int8`).
enum {
    VS_INT8_PORTABLE = 0,  ///< plain C loops: the reference the SIMD variants must match bit for bit
    VS_INT8_AVX2 = 1,      ///< AVX2 (`vpmaddwd` on int16-widened values; exact, no int16 saturation)
    VS_INT8_AVX512_VNNI = 2,  ///< AVX-512 VNNI (`vpdpbusd`: four u8 × s8 products per int32 lane)
};

/// The weights of one int8 1×1 convolution as the kernels read them. `k` input and `n` output channels;
/// `panels` holds ceil(n / 16) panels of 16 columns, each `[ceil(k / 4)][16][4]` int8:
/// element [q][j][t] = round(W[4q + t][16·panel + j] / scales[16·panel + j]) (zero past k and n), the
/// layout `vpdpbusd` consumes. `scales`, `column_sums` (the sum of a column's int8 weights) and `bias`
/// are padded with zeros to 16·ceil(n / 16). Codes are within ±127.
typedef struct {
    const int8_t *panels;
    const float *scales;
    const int32_t *column_sums;
    const float *bias;
    long k;
    long n;
    /// Largest activation code (255, or 127 for 7-bit activations); rows are quantised to 0…levels.
    int levels;
    /// 1 when 2 · max|weight code| · levels ≤ 32,767: AVX2's `vpmaddubsw` cannot saturate (fast path).
    int narrow;
} vs_int8_weights;

/// 1×1 convolution with int8 weights (per output channel scale) and activations quantised per row
/// (per pixel) on the fly: for rows `row_start ..< row_end` and panels `panel_start ..< panel_end`,
/// `c[p][j] = act(s_p · w_j · Σ_k (q_p[k] − z_p) · W_q[k][j] + bias[j]) (+ residual[p][j])`.
/// Row p is quantised asymmetrically to 0…`levels` over `clip` × [min(a[p], 0), max(a[p], 0)]: `s_p` =
/// that range / levels, `z_p` where zero falls (0 for a row without negative values, e.g. after
/// ReLU6); values beyond the range saturate. Sums are exact int32 (k ≤ 4096) and the epilogue is the
/// same float operations on every path, so all paths agree bit for bit. `isa` is a `VS_INT8_*` value
/// the CPU supports (the caller checks).
void vs_pointwise_int8(int isa, const float *a, vs_int8_weights weights, float *c, const float *residual,
                       int relu6, float clip, long row_start, long row_end, long panel_start, long panel_end);

#ifdef __cplusplus
}
#endif

#endif
