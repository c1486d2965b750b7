// Shared by the int8 1×1 kernels (pointwise_int8*.c): the per-row quantisation rule and the
// per-ISA entry points `vs_pointwise_int8` dispatches to. Not part of the module's public header.
#ifndef POINTWISE_INT8_INTERNAL_H
#define POINTWISE_INT8_INTERNAL_H

#include <math.h>
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

/// The rule from a row's exact minimum and maximum (scalar, the same on every path): asymmetric codes
/// 0…`levels` over [min(x, 0), max(x, 0)] scaled by `clip` — all levels whatever the row's sign mix (a row after
/// ReLU6 gets zero point 0; a signed block output a zero point where its zero falls). Values beyond
/// the clipped range saturate.
static inline vs_row_quant vs_int8_row_quant(float minimum, float maximum, float clip, int levels) {
    const float top = (float)levels;
    vs_row_quant r;
    const float low = minimum < 0.0f ? minimum : 0.0f, high = maximum > 0.0f ? maximum : 0.0f;
    const float range = clip * (high - low);
    if (range > 0.0f) {
        r.scale = range / top;
        r.inv = top / range;
        r.zero = (int32_t)nearbyintf((-clip * low) * r.inv);
    } else {
        r.scale = 0.0f;
        r.inv = 0.0f;
        r.zero = 0;
    }
    r.lo = -(float)r.zero;
    r.hi = top - (float)r.zero;
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
