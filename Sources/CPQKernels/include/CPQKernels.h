// Scan kernels of the vector index: product quantisation for the `pq4fs` encoding ("fast scan": 4-bit codes in
// blocks of 32 vectors, lookup tables held in SIMD registers and read with byte shuffles). Hand-written in
// C because the inner loop is one `vpshufb` per 32 (AVX2) or 64 (AVX-512) table lookups, which neither
// Swift's SIMD types nor the auto-vectoriser produce; the AVX-512 variant is compiled with per-function
// `target` attributes and run only where CCPUFeatures says the CPU and OS support it.
//
// Block layout (one block = 32 vectors × M sub-quantisers, M even, 16·M bytes): for each sub-quantiser m in
// order, 16 bytes; byte j holds the code of vector j in its low nibble and of vector j + 16 in its high
// nibble. Codes of fewer than 32 vectors (the tail of a list) are stored row by row instead: M/2 bytes per
// vector, sub-quantiser 2i in the low nibble of byte i and 2i + 1 in the high nibble.
//
// Lookup table: M × 16 bytes, entry [m][c] = the quantised distance contribution of code c of sub-quantiser
// m. Each scan writes `out[i] = bias − scale · Σ_m lut[m][code_m(i)]` (a float score, higher is better);
// the caller keeps every table entry ≤ 65535 / M so the 16-bit sums cannot overflow.
#ifndef CPQKERNELS_H
#define CPQKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Scores `blocks` consecutive 32-vector blocks (portable C, the reference for the SIMD variants).
void vs_pq4_scan_blocks_portable(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                                 float bias, float scale, float *out);
/// AVX2 variant (32-byte tables: two sub-quantisers per `vpshufb`). Needs an AVX2 CPU.
void vs_pq4_scan_blocks_avx2(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                             float bias, float scale, float *out);
/// AVX-512 BW variant (64-byte tables: four sub-quantisers per `vpshufb`). Needs `vs_cpu_has_avx512()`.
void vs_pq4_scan_blocks_avx512(const uint8_t *codes, size_t blocks, const uint8_t *lut, size_t m,
                               float bias, float scale, float *out);
/// Scores `count` row-layout codes (M/2 bytes each), portable C.
void vs_pq4_scan_rows(const uint8_t *codes, size_t count, const uint8_t *lut, size_t m,
                      float bias, float scale, float *out);

/// Builds the byte lookup table of one query (or query residual) `y`: float tables `t[s][k]` =
/// `‖y_s − C_sk‖²` (`l2` ≠ 0) or `−y_s·C_sk`, from codebooks stored transposed (`cbt[(s·dsub + j)·16 + k]`),
/// written to `tables` (m × 16 floats, scratch), then quantised: `lut[s][k] = round((t[s][k] − min_s) /
/// scale)` with entries ≤ min(255, 65535 / m). Returns `bias = Σ_s min_s` and `scale`, so that
/// `Σ_s t[s][code_s] ≈ bias + scale · Σ_s lut[s][code_s]`.
void vs_pq4_lut_portable(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                         float *bias, float *scale);
/// The same, compiled for AVX2 + FMA (identical results up to float rounding of the sums).
void vs_pq4_lut_avx2(const float *y, const float *cbt, size_t m, size_t dsub, int l2, float *tables, uint8_t *lut,
                     float *bias, float *scale);

// SQ8 scans (sq8_scan.c): rows of `d` 8-bit codes against per-dimension query weights quantised to int16.

/// Quantises `w[0..<d]` to `out` (`round(w / step)`, |out| small enough that no int32 lane of the scan can
/// overflow, at most 32,767) and returns `step`.
float vs_sq8_quantise_weights(const float *w, size_t d, int16_t *out);
/// `out[r] = bias + step · Σ_i w[i]·codes[r·d + i]` for `count` rows, the sum in exact integers (portable C).
void vs_sq8_scan_portable(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                          float *out);
/// The same with AVX2 (`vpmaddwd`): bit-identical results. Needs an AVX2 CPU.
void vs_sq8_scan_avx2(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                      float *out);
/// The same with AVX-512 BW (`vpmaddwd` on 32 pairs): bit-identical results. Needs an AVX-512 BW CPU.
void vs_sq8_scan_avx512(const uint8_t *codes, size_t count, size_t d, const int16_t *w, float step, float bias,
                        float *out);

#ifdef __cplusplus
}
#endif

#endif
