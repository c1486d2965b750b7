// CPUID / XGETBV check for AVX-512 F, done once. Hand-written rather than __builtin_cpu_supports so
// the OS-support test (ZMM state enabled in XCR0) is explicit and no runtime-library symbol is needed.
#include "CConvKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static int detect_avx512(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12;
    if ((ecx & (osxsave | avx | fma)) != (osxsave | avx | fma)) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    // XMM (1), YMM (2), opmask (5), ZMM0-15 upper halves (6), ZMM16-31 (7).
    const unsigned needed = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);
    if ((xcr0_lo & needed) != needed) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & (1u << 16)) != 0;  // AVX512F
}

static int detect_avx512_bf16(void) {
    if (!detect_avx512()) return 0;
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    return (eax & (1u << 5)) != 0;  // AVX512_BF16
}

int vs_cpu_has_avx512_bf16(void) {
    static int cached = -1;  // benign race: every thread computes the same value
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect_avx512_bf16();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

int vs_cpu_has_avx512(void) {
    static int cached = -1;  // benign race: every thread computes the same value
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect_avx512();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}
#else
int vs_cpu_has_avx512(void) { return 0; }
int vs_cpu_has_avx512_bf16(void) { return 0; }
#endif
