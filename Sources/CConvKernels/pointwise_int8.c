// int8 1×1 convolution: the dispatcher and the portable path (plain C loops), which is both the
// fallback for CPUs without AVX2 and the reference the AVX2 and AVX-512 VNNI variants are tested
// against bit for bit. Why hand-written: no BLAS offers a u8 × s8 GEMM with per-row activation
// scales and a fused bias/ReLU6/residual epilogue, and the shapes (K = 16…1152, up to 12,544 rows)
// are the same skinny ones as the float kernels'. Quantising each row on the fly keeps the
// activations float32 between layers, so the depthwise convolutions and the fused inverted-residual
// blocks are unchanged.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pointwise_int8_internal.h"

void vs_pointwise_int8(int isa, const float *a, vs_int8_weights weights, float *c, const float *residual,
                       int relu6, float clip, long row_start, long row_end, long panel_start, long panel_end) {
    if (row_end <= row_start || panel_end <= panel_start) return;
    if (weights.k > VS_INT8_MAX_K) abort();
    switch (isa) {
    case VS_INT8_AVX512_VNNI:
        vs_pointwise_int8_vnni(a, weights, c, residual, relu6, clip, row_start, row_end, panel_start, panel_end);
        break;
    case VS_INT8_AVX2:
        vs_pointwise_int8_avx2(a, weights, c, residual, relu6, clip, row_start, row_end, panel_start, panel_end);
        break;
    default:
        vs_pointwise_int8_portable(a, weights, c, residual, relu6, clip, row_start, row_end, panel_start, panel_end);
        break;
    }
}

void vs_pointwise_int8_portable(const float *a, vs_int8_weights w, float *c, const float *residual, int relu6,
                                float clip, long row_start, long row_end, long panel_start, long panel_end) {
    const long k = w.k, n = w.n, quads = (k + 3) / 4, stride = quads * 4;
    uint8_t q[VS_INT8_MAX_K];
    for (long p = row_start; p < row_end; p++) {
        const float *row = a + p * k;
        float minimum = row[0], maximum = row[0];
        for (long i = 1; i < k; i++) {
            minimum = fminf(minimum, row[i]);
            maximum = fmaxf(maximum, row[i]);
        }
        const vs_row_quant r = vs_int8_row_quant(minimum, maximum, clip, w.levels);
        for (long i = 0; i < k; i++) {
            float v = row[i] * r.inv;
            v = fminf(fmaxf(v, r.lo), r.hi);
            q[i] = (uint8_t)((int32_t)nearbyintf(v) + r.zero);
        }
        memset(q + k, 0, (size_t)(stride - k));
        for (long panel = panel_start; panel < panel_end; panel++) {
            const int8_t *b = w.panels + panel * quads * 64;
            for (long j = 0; j < 16; j++) {
                const long column = panel * 16 + j;
                if (column >= n) break;
                int32_t sum = -r.zero * w.column_sums[column];
                for (long qd = 0; qd < quads; qd++)
                    for (long t = 0; t < 4; t++) sum += (int32_t)q[qd * 4 + t] * (int32_t)b[qd * 64 + j * 4 + t];
                const float scale = r.scale * w.scales[column];
                float v = fmaf((float)sum, scale, w.bias[column]);
                if (relu6) v = fminf(fmaxf(v, 0.0f), 6.0f);
                if (residual) v += residual[p * n + column];
                c[p * n + column] = v;
            }
        }
    }
}
