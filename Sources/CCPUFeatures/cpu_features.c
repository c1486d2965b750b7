// CPUID / XGETBV feature detection, done once. Hand-written rather than __builtin_cpu_supports so the
// operating-system test (the register state enabled in XCR0) is explicit and no runtime-library symbol
// is needed.
#include "CCPUFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// Bit 0..1: the VS_ISA_* level; bit 2: AVX512_BF16; bit 3: AVX512_VNNI.
static int detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return VS_ISA_PORTABLE;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx || !f16c || !fma) return VS_ISA_PORTABLE;
    unsigned xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 0x6) != 0x6) return VS_ISA_PORTABLE;  // the OS saves XMM and YMM state
    if (__get_cpuid_max(0, 0) < 7) return VS_ISA_PORTABLE;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    if (!avx2) return VS_ISA_PORTABLE;
    // AVX-512 also needs the OS to save opmask and ZMM state (XCR0 bits 5–7).
    if (!(avx512f && avx512bw && avx512vl && (xlo & 0xE0) == 0xE0)) return VS_ISA_AVX2;
    const int vnni = (c >> 11) & 1;  // leaf 7.0 ECX
    __cpuid_count(7, 1, a, b, c, d);
    const int bf16 = (a >> 5) & 1;
    return VS_ISA_AVX512 | (bf16 << 2) | (vnni << 3);
}
#else
static int detect(void) { return VS_ISA_PORTABLE; }
#endif

static int features(void) {
    static int cached = -1;  // a benign race: every thread computes the same value
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

int vs_best_isa(void) { return features() & 3; }

int vs_isa_supported(int isa) { return isa == VS_ISA_PORTABLE || (isa > 0 && isa <= vs_best_isa()); }

int vs_cpu_has_avx512(void) { return vs_best_isa() == VS_ISA_AVX512; }

int vs_cpu_has_avx512_bf16(void) { return vs_cpu_has_avx512() && (features() & 4) != 0; }

int vs_cpu_has_avx512_vnni(void) { return vs_cpu_has_avx512() && (features() & 8) != 0; }
