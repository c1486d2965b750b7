// Dense layers with fp16 weights for the MiniLM encoder (see the header for the layout).
//
// Why C: the inner loop widens fp16 weights with F16C (`vcvtph2ps`) and, on CPUs that have it, runs on
// AVX-512 registers; Swift's SIMD types do not reliably lower half→float conversion to that
// instruction, and the Swift targets are compiled for x86-64-v3, so the AVX-512 code lives in
// functions carrying their own `target` attribute, called only after `vs_isa_supported` said yes.
//
// Register blocking: a block of R rows × C panels (16 columns each) keeps R·C accumulators live while
// the weights stream through once per block: every weight loaded is used by R rows, every input value
// broadcast is used by C panels. The blocks are sized so that a short sentence (up to 8 tokens) is one
// row block, i.e. the weights (the dominant memory traffic of a one-query forward pass) are read once.
#include "CTransformerKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif


// MARK: - Portable reference

static float half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
    uint32_t bits;
    if (exponent == 0) {
        float magnitude = (float)mantissa * (1.0f / 16777216.0f);  // subnormal (or zero): mantissa · 2^-24
        memcpy(&bits, &magnitude, 4);
        bits |= sign;
    } else if (exponent == 31) {
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void linear_portable(long m, long k, long n, const float *x, long ldx, const uint16_t *panels,
                            long p0, long p1, float *out, long ldo, int accumulate) {
    for (long p = p0; p < p1; p++) {
        const uint16_t *w = panels + p * k * 16;
        for (long i = 0; i < 16 && 16 * p + i < n; i++) {
            const long column = 16 * p + i;
            for (long r = 0; r < m; r++) {
                float sum = 0;
                for (long j = 0; j < k; j++) sum += x[r * ldx + j] * half_to_float(w[j * 16 + i]);
                out[r * ldo + column] = accumulate ? out[r * ldo + column] + sum : sum;
            }
        }
    }
}

#if defined(__x86_64__)

// MARK: - AVX-512

#define VS_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx2,fma,f16c")))
#define VS_AVX2 __attribute__((target("avx2,fma,f16c")))
#define VS_INLINE __attribute__((always_inline)) static inline

/// One block: rows `x[0..<R]`, panels `w[0..<C]` (each `pstride` halves apart), `cols` valid columns
/// from the block's first one.
VS_AVX512 VS_INLINE void block512(const int R, const int C, long k, const float *x, long ldx, const uint16_t *w,
                                  long pstride, float *out, long ldo, int accumulate, long cols) {
    __m512 acc[8][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (long j = 0; j < k; j++) {
        __m512 wv[4];
        for (int c = 0; c < C; c++) wv[c] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(w + c * pstride + j * 16)));
        for (int r = 0; r < R; r++) {
            const __m512 xv = _mm512_set1_ps(x[r * ldx + j]);
            for (int c = 0; c < C; c++) acc[r][c] = _mm512_fmadd_ps(xv, wv[c], acc[r][c]);
        }
    }
    for (int c = 0; c < C; c++) {
        const long valid = cols - 16 * c;
        if (valid <= 0) break;
        const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
        for (int r = 0; r < R; r++) {
            float *o = out + r * ldo + 16 * c;
            __m512 v = acc[r][c];
            if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, o));
            _mm512_mask_storeu_ps(o, mask, v);
        }
    }
}

/// Rows of the next block when `left` rows remain: up to 8 in one block (a short sentence reads the
/// weights once), else blocks of 6, the last two balanced so none is smaller than 3.
static long rows512(long left) { return left <= 8 ? left : (left <= 14 ? left - 6 : 6); }

#define CASE512(R, C) case (R) * 8 + (C): block512(R, C, k, xr, ldx, w, pstride, o, ldo, accumulate, cols); break;

VS_AVX512 static void linear512(long m, long k, long n, const float *x, long ldx, const uint16_t *panels,
                                long p0, long p1, float *out, long ldo, int accumulate) {
    const long pstride = k * 16;
    // 32 registers: R·C accumulators + C weights + 1 broadcast. 6×4 for 6-row blocks, 8×3 for 7–8.
    long widest = 0;
    for (long r = 0; r < m; r += rows512(m - r)) widest = rows512(m - r) > widest ? rows512(m - r) : widest;
    const long group = widest > 6 ? 3 : 4;
    for (long p = p0; p < p1; p += group) {
        const int C = (int)(p1 - p < group ? p1 - p : group);
        const uint16_t *w = panels + p * pstride;
        const long cols = n - 16 * p;
        for (long r = 0; r < m;) {
            const int R = (int)rows512(m - r);
            const float *xr = x + r * ldx;
            float *o = out + r * ldo + 16 * p;
            switch (R * 8 + C) {
                CASE512(1, 1) CASE512(1, 2) CASE512(1, 3) CASE512(1, 4)
                CASE512(2, 1) CASE512(2, 2) CASE512(2, 3) CASE512(2, 4)
                CASE512(3, 1) CASE512(3, 2) CASE512(3, 3) CASE512(3, 4)
                CASE512(4, 1) CASE512(4, 2) CASE512(4, 3) CASE512(4, 4)
                CASE512(5, 1) CASE512(5, 2) CASE512(5, 3) CASE512(5, 4)
                CASE512(6, 1) CASE512(6, 2) CASE512(6, 3) CASE512(6, 4)
                CASE512(7, 1) CASE512(7, 2) CASE512(7, 3)
                CASE512(8, 1) CASE512(8, 2) CASE512(8, 3)
                default: linear_portable(R, k, n - 16 * p, xr, ldx, w, 0, C, o, ldo, accumulate); break;
            }
            r += R;
        }
    }
}

// MARK: - AVX2

/// As `block512` with each 16-column panel in two 8-lane halves.
VS_AVX2 VS_INLINE void block256(const int R, const int C, long k, const float *x, long ldx, const uint16_t *w,
                                long pstride, float *out, long ldo, int accumulate, long cols) {
    __m256 acc[6][4][2];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c][0] = acc[r][c][1] = _mm256_setzero_ps();
    for (long j = 0; j < k; j++) {
        __m256 wv[4][2];
        for (int c = 0; c < C; c++) {
            wv[c][0] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + c * pstride + j * 16)));
            wv[c][1] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + c * pstride + j * 16 + 8)));
        }
        for (int r = 0; r < R; r++) {
            const __m256 xv = _mm256_set1_ps(x[r * ldx + j]);
            for (int c = 0; c < C; c++) {
                acc[r][c][0] = _mm256_fmadd_ps(xv, wv[c][0], acc[r][c][0]);
                acc[r][c][1] = _mm256_fmadd_ps(xv, wv[c][1], acc[r][c][1]);
            }
        }
    }
    for (int c = 0; c < C; c++) {
        for (int h = 0; h < 2; h++) {
            const long valid = cols - 16 * c - 8 * h;
            if (valid <= 0) break;
            for (int r = 0; r < R; r++) {
                float *o = out + r * ldo + 16 * c + 8 * h;
                if (valid >= 8) {
                    __m256 v = acc[r][c][h];
                    if (accumulate) v = _mm256_add_ps(v, _mm256_loadu_ps(o));
                    _mm256_storeu_ps(o, v);
                } else {
                    float lanes[8];
                    _mm256_storeu_ps(lanes, acc[r][c][h]);
                    for (long i = 0; i < valid; i++) o[i] = accumulate ? o[i] + lanes[i] : lanes[i];
                }
            }
        }
    }
}

/// 16 registers: blocks of up to 6 rows × 1 panel (12 accumulators); one to three rows take 2–4
/// panels so at least 8 accumulators hide the FMA latency.
static long rows256(long left) { return left <= 6 ? left : (left <= 9 ? left - 4 : 6); }

#define CASE256(R, C) case (R) * 8 + (C): block256(R, C, k, xr, ldx, w, pstride, o, ldo, accumulate, cols); break;

VS_AVX2 static void linear256(long m, long k, long n, const float *x, long ldx, const uint16_t *panels,
                              long p0, long p1, float *out, long ldo, int accumulate) {
    const long pstride = k * 16;
    const long group = m >= 4 ? 1 : (m >= 2 ? 2 : 4);
    for (long p = p0; p < p1; p += group) {
        const int C = (int)(p1 - p < group ? p1 - p : group);
        const uint16_t *w = panels + p * pstride;
        const long cols = n - 16 * p;
        for (long r = 0; r < m;) {
            const int R = (int)rows256(m - r);
            const float *xr = x + r * ldx;
            float *o = out + r * ldo + 16 * p;
            switch (R * 8 + C) {
                CASE256(1, 1) CASE256(1, 2) CASE256(1, 3) CASE256(1, 4)
                CASE256(2, 1) CASE256(2, 2) CASE256(3, 1) CASE256(3, 2)
                CASE256(4, 1) CASE256(5, 1) CASE256(6, 1)
                default: linear_portable(R, k, n - 16 * p, xr, ldx, w, 0, C, o, ldo, accumulate); break;
            }
            r += R;
        }
    }
}
#endif

// MARK: - Entry point

void vs_linear_f16(int isa, long m, long k, long n, const float *x, long ldx, const uint16_t *panels,
                   long panel_begin, long panel_end, float *out, long ldo, int accumulate) {
    if (m <= 0 || panel_end <= panel_begin) return;
#if defined(__x86_64__)
    if (isa == VS_ISA_AVX512 && vs_isa_supported(VS_ISA_AVX512)) {
        linear512(m, k, n, x, ldx, panels, panel_begin, panel_end, out, ldo, accumulate);
        return;
    }
    if (isa == VS_ISA_AVX2 && vs_isa_supported(VS_ISA_AVX2)) {
        linear256(m, k, n, x, ldx, panels, panel_begin, panel_end, out, ldo, accumulate);
        return;
    }
#endif
    linear_portable(m, k, n, x, ldx, panels, panel_begin, panel_end, out, ldo, accumulate);
}
