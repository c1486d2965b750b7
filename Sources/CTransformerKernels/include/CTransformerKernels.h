// Transformer kernels that Swift cannot express well: fp16 weights widened with F16C inside the
// GEMM loop, and AVX-512 variants chosen at run time by a CPU check (the Swift targets are compiled for
// x86-64-v3, so AVX-512 code must live in functions that are only called after the check).
#ifndef VS_TRANSFORMER_KERNELS_H
#define VS_TRANSFORMER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "CCPUFeatures.h"  // VS_ISA_*, vs_best_isa(), vs_isa_supported()

#ifdef __cplusplus
extern "C" {
#endif

// Instruction sets of `vs_linear_f16`: the `VS_ISA_*` levels of CCPUFeatures.

/// `out[r·ldo + c] (+)= Σ_j x[r·ldx + j] · W[c, j]` for `r < m`, `c < n`, with `W` (`n × k`) given as
/// fp16 panels of 16 output columns: `panels[(p·k + j)·16 + i]` holds `W[16p + i, j]` (IEEE binary16
/// bits; zero where `16p + i ≥ n`). `accumulate` non-zero adds to `out`, else overwrites it.
/// `panel_begin ..< panel_end` restricts the work to those panels (columns `16·panel_begin ..<
/// min(n, 16·panel_end)`), so callers can split the columns between threads.
/// `isa` must be supported (`vs_isa_supported`); an unsupported one falls back to the portable code.
void vs_linear_f16(int isa, long m, long k, long n, const float *x, long ldx, const uint16_t *panels,
                   long panel_begin, long panel_end, float *out, long ldo, int accumulate);

/// Floats of scratch `vs_self_attention_avx512` needs for a sequence of `length` tokens.
long vs_self_attention_scratch(long length, long head_width);

/// Multi-head self-attention over one sequence, all positions valid (AVX-512; call only when
/// `vs_isa_supported(VS_ISA_AVX512)`): for each head, `softmax(Q·Kᵀ/√head_width)·V`. `qkv` holds
/// `length` rows of stride `qkv_stride`: query at column 0, key at `heads·head_width`, value at
/// `2·heads·head_width` (head `h` at columns `h·head_width …`); head `h`'s context goes to columns
/// `h·head_width …` of `out` (row stride `out_stride`). `scratch`: `vs_self_attention_scratch` floats.
void vs_self_attention_avx512(long length, long heads, long head_width, const float *qkv, long qkv_stride,
                              float *out, long out_stride, float *scratch);

#ifdef __cplusplus
}
#endif
#endif
