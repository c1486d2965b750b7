// Self-attention of one sequence for short and long sentences, AVX-512 (see the header).
//
// Why: through BLAS, each head of each sentence is two tiny GEMMs (15×15×32 for a query) plus a
// softmax pass; at batch 32 that is 4,608 BLAS calls per forward pass, whose per-call overhead
// and cache round trips cost more than the arithmetic. Here one call does every head: K is transposed
// once per head so 16 keys' scores are one vector FMA chain, 4 query rows at a time share each load,
// and the softmax is applied in registers before P·V.
#include "CTransformerKernels.h"

#include <math.h>

long vs_self_attention_scratch(long length, long head_width) {
    const long padded = (length + 15) / 16 * 16;
    return head_width * padded + 4 * padded;
}

#if defined(__x86_64__)
#include <immintrin.h>

#define VS_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define VS_INLINE __attribute__((always_inline)) static inline

/// e^x for x ≤ 0 (softmax inputs after subtracting the maximum): Cephes polynomial on the reduced
/// argument, scaled by 2^n with `vscalefps`; relative error ≈ 2e-7, below −87.3 it returns ≈ 0.
VS_AVX512 VS_INLINE __m512 exp512(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 y = _mm512_set1_ps(1.9875691500e-4f);
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.3981999507e-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(8.3334519073e-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(4.1665795894e-2f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.6666665459e-1f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(5.0000001201e-1f));
    y = _mm512_fmadd_ps(y, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(y, n);
}

/// Rows `i ..< i+R` of one head: scores for all keys (rows of `s`, stride `lp`), softmax, then P·V.
VS_AVX512 VS_INLINE void rows512(const int R, long L, long lp, long dh, const float *q, long qs, const float *kt,
                                 const float *v, float *out, long os, float *s, float scale) {
    // Scores: s[r][j] = scale · Σ_d q[r][d] · Kᵀ[d][j], 16 keys per vector.
    for (long j0 = 0; j0 < lp; j0 += 16) {
        __m512 acc[4];
        for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
        for (long d = 0; d < dh; d++) {
            const __m512 kv = _mm512_loadu_ps(kt + d * lp + j0);
            for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(q[r * qs + d]), kv, acc[r]);
        }
        for (int r = 0; r < R; r++) _mm512_storeu_ps(s + r * lp + j0, _mm512_mul_ps(acc[r], _mm512_set1_ps(scale)));
    }
    // Softmax of each row over its first L entries (the padding lanes are excluded by masks).
    float inverse[4];
    for (int r = 0; r < R; r++) {
        float *row = s + r * lp;
        __m512 m = _mm512_set1_ps(-INFINITY);
        for (long j0 = 0; j0 < lp; j0 += 16) {
            const __mmask16 mask = L - j0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (L - j0)) - 1);
            m = _mm512_mask_max_ps(m, mask, m, _mm512_loadu_ps(row + j0));
        }
        const __m512 maximum = _mm512_set1_ps(_mm512_reduce_max_ps(m));
        __m512 sum = _mm512_setzero_ps();
        for (long j0 = 0; j0 < lp; j0 += 16) {
            const __mmask16 mask = L - j0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (L - j0)) - 1);
            const __m512 e = _mm512_maskz_mov_ps(mask, exp512(_mm512_sub_ps(_mm512_loadu_ps(row + j0), maximum)));
            _mm512_storeu_ps(row + j0, e);
            sum = _mm512_add_ps(sum, e);
        }
        inverse[r] = 1.0f / _mm512_reduce_add_ps(sum);
    }
    // Context: out[r] = (Σ_j p[r][j] · V[j]) / Σ_j p[r][j], 16 head columns per vector.
    for (long d0 = 0; d0 < dh; d0 += 16) {
        const __mmask16 mask = dh - d0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (dh - d0)) - 1);
        __m512 acc[4];
        for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
        for (long j = 0; j < L; j++) {
            const __m512 vv = _mm512_maskz_loadu_ps(mask, v + j * qs + d0);
            for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(s[r * lp + j]), vv, acc[r]);
        }
        for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(out + r * os + d0, mask, _mm512_mul_ps(acc[r], _mm512_set1_ps(inverse[r])));
    }
}

VS_AVX512 void vs_self_attention_avx512(long L, long heads, long dh, const float *qkv, long qs, float *out, long os,
                                        float *scratch) {
    if (L <= 0) return;
    const long lp = (L + 15) / 16 * 16, hidden = heads * dh;
    const float scale = 1.0f / sqrtf((float)dh);
    float *kt = scratch, *s = scratch + dh * lp;
    for (long h = 0; h < heads; h++) {
        const float *q = qkv + h * dh, *k = qkv + hidden + h * dh, *v = qkv + 2 * hidden + h * dh;
        for (long d = 0; d < dh; d++) {
            for (long j = 0; j < L; j++) kt[d * lp + j] = k[j * qs + d];
            for (long j = L; j < lp; j++) kt[d * lp + j] = 0;
        }
        long i = 0;
        for (; i + 4 <= L; i += 4) rows512(4, L, lp, dh, q + i * qs, qs, kt, v, out + i * os + h * dh, os, s, scale);
        switch (L - i) {
            case 3: rows512(3, L, lp, dh, q + i * qs, qs, kt, v, out + i * os + h * dh, os, s, scale); break;
            case 2: rows512(2, L, lp, dh, q + i * qs, qs, kt, v, out + i * os + h * dh, os, s, scale); break;
            case 1: rows512(1, L, lp, dh, q + i * qs, qs, kt, v, out + i * os + h * dh, os, s, scale); break;
            default: break;
        }
    }
}
#else
void vs_self_attention_avx512(long L, long heads, long dh, const float *qkv, long qs, float *out, long os,
                              float *scratch) {
    (void)L; (void)heads; (void)dh; (void)qkv; (void)qs; (void)out; (void)os; (void)scratch;  // never called off x86
}
#endif
