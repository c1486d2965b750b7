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
    // Four rows at a time with one accumulator each, and two per row for the last ones: independent
    // dependency chains keep the table loads going (a list's tail of up to 31 rows is scanned here).
    // Integer sums, so the split changes nothing in the result.
    const size_t bytes = m / 2;
    size_t r = 0;
    for (; r + 4 <= count; r += 4) {
        const uint8_t *c0 = codes + r * bytes, *c1 = c0 + bytes, *c2 = c1 + bytes, *c3 = c2 + bytes;
        uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (size_t i = 0; i < bytes; i++) {
            const uint8_t *lo = lut + (2 * i) * 16, *hi = lo + 16;
            a0 += lo[c0[i] & 15] + hi[c0[i] >> 4];
            a1 += lo[c1[i] & 15] + hi[c1[i] >> 4];
            a2 += lo[c2[i] & 15] + hi[c2[i] >> 4];
            a3 += lo[c3[i] & 15] + hi[c3[i] >> 4];
        }
        // Products rounded before the subtraction (separate statements: no FMA contraction), as everywhere.
        const float p0 = scale * (float)(uint16_t)a0, p1 = scale * (float)(uint16_t)a1;
        const float p2 = scale * (float)(uint16_t)a2, p3 = scale * (float)(uint16_t)a3;
        out[r] = bias - p0;
        out[r + 1] = bias - p1;
        out[r + 2] = bias - p2;
        out[r + 3] = bias - p3;
    }
    for (; r < count; r++) {
        const uint8_t *c = codes + r * bytes;
        uint32_t even = 0, odd = 0;
        for (size_t i = 0; i < bytes; i++) {
            even += lut[(2 * i) * 16 + (c[i] & 15)];
            odd += lut[(2 * i + 1) * 16 + (c[i] >> 4)];
        }
        const float product = scale * (float)(uint16_t)(even + odd);
        out[r] = bias - product;
    }
}
