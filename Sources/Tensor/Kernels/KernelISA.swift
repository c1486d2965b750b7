import CConvKernels

/// The instruction set a convolution kernel runs with, chosen once per process at run time.
///
/// The `Tensor` target is compiled for x86-64-v3 (AVX2 + FMA, `SIMD8<Float>`); the AVX-512 variants of
/// the 1×1 and depthwise kernels live in the `CConvKernels` C target (per-function `target("avx512f")`)
/// and run only where ``isAVX512Supported`` (CPUID says AVX-512 F and the OS saves ZMM state), so a CPU
/// without AVX-512 never meets one of their instructions. The stem runs through the 1×1 kernel
/// (im2col + GEMM), so it follows the same choice.
///
/// ``preferred`` is what kernels use unless told otherwise: the best supported set, or the one named by
/// the environment variable `VSEARCH_CONV_KERNELS` (`avx2` or `avx512`; an unsupported or unknown value
/// falls back to the best supported set), read once.
public enum KernelISA: String, Sendable, CaseIterable, CustomStringConvertible, RuntimeInstructionSet {
    /// 8-lane `SIMD8<Float>` kernels (x86-64-v3), available everywhere the package builds.
    case avx2
    /// 16-lane AVX-512 F kernels, where the CPU has them.
    case avx512
    /// **Reduced precision, opt-in only** (never ``preferred`` unless named in `VSEARCH_CONV_KERNELS`):
    /// the AVX-512 kernels, but 1×1 convolutions whose weights carry bf16 panels
    /// (``PointwiseWeights/withBFloat16Panels()``) multiply bfloat16-rounded activations and weights with
    /// `vdpbf16ps` (float32 sums): twice the multiply-adds per instruction. Outputs differ from float32
    /// (EfficientNet-Lite0 embeddings: cosine ≈ 0.999 to the reference; see BENCHMARKS.md).
    case avx512bf16

    /// True when this CPU and OS can run the AVX-512 kernels.
    public static let isAVX512Supported: Bool = vs_cpu_has_avx512() != 0
    /// True when the CPU also has AVX512_BF16.
    public static let isAVX512BF16Supported: Bool = vs_cpu_has_avx512_bf16() != 0

    /// Whether `self` can run here.
    public var isSupported: Bool {
        switch self {
        case .avx2: true
        case .avx512: Self.isAVX512Supported
        case .avx512bf16: Self.isAVX512BF16Supported
        }
    }

    /// True for the sets that run the AVX-512 kernels (`avx512`, `avx512bf16`).
    var usesAVX512: Bool { self != .avx2 }

    /// The set used by default (see the type's documentation).
    public static let preferred = chosen(byEnvironment: "VSEARCH_CONV_KERNELS") { isAVX512Supported ? .avx512 : .avx2 }

    public var description: String { rawValue }
}
