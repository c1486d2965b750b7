// Shared by the AVX-512 1×1 kernels (pointwise_avx512.c, pointwise_bf16.c): the epilogue of one output
// slice. Its target is plain AVX-512F, a subset of both callers', so it inlines into either. Not part of
// the module's public header; include it after <immintrin.h>, on x86-64 only.
#ifndef POINTWISE_AVX512_STORE_H
#define POINTWISE_AVX512_STORE_H

/// ReLU6, residual and the masked store of one 16-column slice `v` of output row `row`.
static inline __attribute__((always_inline, target("avx512f"))) void
vs_store_row_avx512(__m512 v, float *c, const float *residual, long n, long row, long column, __mmask16 mask, int relu6) {
    if (relu6) v = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(6.0f));
    const long offset = row * n + column;
    if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, residual + offset));
    _mm512_mask_storeu_ps(c + offset, mask, v);
}

#endif
