// Which SIMD instruction sets this CPU and operating system support: the one check every kernel target
// (CConvKernels, CTransformerKernels) consults before calling a function compiled for a wider ISA than
// the Swift targets' x86-64-v3 baseline, so a machine without AVX-512 never executes one (no SIGILL).
#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, each including the ones below it.
enum {
    VS_ISA_PORTABLE = 0,  ///< plain C (any CPU): the reference the SIMD variants are tested against
    VS_ISA_AVX2 = 1,      ///< AVX2 + FMA + F16C (x86-64-v3), the OS saving YMM state
    VS_ISA_AVX512 = 2,    ///< AVX-512 F/VL/BW + FMA + F16C (x86-64-v4), the OS saving opmask and ZMM state
};

/// The best `VS_ISA_*` level this CPU supports, from CPUID/XGETBV, computed once (cheap to call).
int vs_best_isa(void);

/// 1 when this CPU can run `isa` (the portable level always), else 0.
int vs_isa_supported(int isa);

/// 1 when `vs_best_isa()` is `VS_ISA_AVX512`, else 0.
int vs_cpu_has_avx512(void);

/// 1 when the CPU has AVX-512 (as above) and AVX512_BF16 (`vdpbf16ps`, `vcvtne2ps2bf16`), else 0.
int vs_cpu_has_avx512_bf16(void);

/// 1 when the CPU has AVX-512 (as above) and AVX512_VNNI (`vpdpbusd`: u8 × s8 dot products of four
/// into int32), else 0.
int vs_cpu_has_avx512_vnni(void);

#ifdef __cplusplus
}
#endif

#endif
