// Portable fast-scan kernels: the reference the AVX2 and AVX-512 variants are tested against.
#include "CPQKernels.h"

void vs_pq4_scan_blocks_portable(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                                 float bias, float scale, float *out) {
    for (size_t b = 0; b < blocks; b++) {
        uint32_t acc[32] = {0};
        const uint8_t *block = codes + b * 16 * m;
        for (size_t s = 0; s < m; s++) {
            const uint8_t *c = block + s * 16, *t = lut + s * 16;
            for (int j = 0; j < 16; j++) {
                acc[j] += t[c[j] & 15];
                acc[j + 16] += t[c[j] >> 4];
            }
        }
        // 16-bit wrap-around, exactly as the SIMD accumulators (the caller's tables never reach it).
        for (int j = 0; j < 32; j++) {
            const float product = scale * (float)(uint16_t)acc[j];  // rounded before the subtraction, as in the SIMD kernels
            out[b * 32 + j] = bias - product;
        }
    }
}

void vs_pq4_scan_rows(const uint8_t *codes, size_t count, const uint8_t *lut, size_t m,
                      float bias, float scale, float *out) {
    const size_t bytes = m / 2;
    for (size_t r = 0; r < count; r++) {
        const uint8_t *c = codes + r * bytes;
        uint32_t acc = 0;
        for (size_t i = 0; i < bytes; i++) {
            acc += lut[(2 * i) * 16 + (c[i] & 15)];
            acc += lut[(2 * i + 1) * 16 + (c[i] >> 4)];
        }
        const float product = scale * (float)(uint16_t)acc;
        out[r] = bias - product;
    }
}
