// Shared by the int8 1×1 kernels (pointwise_int8*.c): the per-row quantisation rule and the
// per-ISA entry points `vs_pointwise_int8` dispatches to. Not part of the module's public header.
#ifndef POINTWISE_INT8_INTERNAL_H
#define POINTWISE_INT8_INTERNAL_H

#include <stdint.h>

#include "CConvKernels.h"

/// Rows quantised at a time (the VNNI tile height): their u8 (or u16) copies live on the stack.
enum { VS_INT8_BLOCK_ROWS = 12, VS_INT8_MAX_K = 4096 };

/// How one activation row is quantised: `q = clamp(x · inv, lo, hi)` rounded to nearest even, plus
/// `zero`; the row's values are `scale · (q − zero)`.
typedef struct {
    float scale, inv, lo, hi;
    int32_t zero;
} vs_row_quant;

/// The rule from a row's exact minimum and maximum (scalar, the same on every path): rows without a
/// negative value (the input of a project convolution, after ReLU6) use all of [0, 255]; signed rows
/// [−127, 127] offset by 128 (u8 for `vpdpbusd`). The threshold is `clip` × the largest magnitude.
static inline vs_row_quant vs_int8_row_quant(float minimum, float maximum, float clip) {
    vs_row_quant r;
    const int is_unsigned = minimum >= 0.0f;
    const float qmax = is_unsigned ? 255.0f : 127.0f;
    const float magnitude = is_unsigned ? maximum : (maximum > -minimum ? maximum : -minimum);
    const float threshold = clip * magnitude;
    r.inv = threshold > 0.0f ? qmax / threshold : 0.0f;
    r.scale = threshold > 0.0f ? threshold / qmax : 0.0f;
    r.lo = is_unsigned ? 0.0f : -127.0f;
    r.hi = qmax;
    r.zero = is_unsigned ? 0 : 128;
    return r;
}

/// Rows of a block: balanced tiles of at most `VS_INT8_BLOCK_ROWS` (as the float kernels).
static inline long vs_int8_block_rows(long remaining) {
    const long tiles = (remaining + VS_INT8_BLOCK_ROWS - 1) / VS_INT8_BLOCK_ROWS;
    return (remaining + tiles - 1) / tiles;
}

void vs_pointwise_int8_portable(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                                float clip, long row_start, long row_end, long panel_start, long panel_end);
void vs_pointwise_int8_avx2(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                            float clip, long row_start, long row_end, long panel_start, long panel_end);
void vs_pointwise_int8_vnni(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                            float clip, long row_start, long row_end, long panel_start, long panel_end);

#endif
