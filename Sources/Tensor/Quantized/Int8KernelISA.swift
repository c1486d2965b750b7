import CConvKernels

/// The instruction set of the int8 1×1 kernels (``Int8PointwiseWeights``), chosen once per process
/// from CPUID like ``KernelISA``; all three compute the same integers and the same float epilogue, so
/// their outputs agree bit for bit (tested).
///
/// ``preferred`` is the best supported set, or the one named by the environment variable
/// `VSEARCH_INT8_KERNELS` (`portable`, `avx2` or `avx512vnni`; an unsupported or unknown value falls
/// back to the best supported set), read once.
public enum Int8KernelISA: String, Sendable, CaseIterable, CustomStringConvertible, RuntimeInstructionSet {
    /// Plain C loops: any CPU, and the reference for the others.
    case portable
    /// `vpmaddwd` on int16-widened values (exact; `vpmaddubsw` would saturate), x86-64-v3.
    case avx2
    /// AVX-512 VNNI `vpdpbusd`: 64 u8 × s8 multiply-adds per instruction.
    case avx512vnni

    /// True when this CPU and OS can run the AVX-512 VNNI kernel.
    public static let isVNNISupported: Bool = vs_cpu_has_avx512_vnni() != 0

    /// Whether `self` can run here.
    public var isSupported: Bool {
        switch self {
        case .portable: true
        case .avx2: vs_isa_supported(Int32(VS_ISA_AVX2)) != 0
        case .avx512vnni: Self.isVNNISupported
        }
    }

    /// The `VS_INT8_*` value of the C dispatcher.
    var code: Int32 {
        switch self {
        case .portable: Int32(VS_INT8_PORTABLE)
        case .avx2: Int32(VS_INT8_AVX2)
        case .avx512vnni: Int32(VS_INT8_AVX512_VNNI)
        }
    }

    /// The set used by default (see the type's documentation).
    public static let preferred = chosen(byEnvironment: "VSEARCH_INT8_KERNELS") {
        isVNNISupported ? .avx512vnni : Int8KernelISA.avx2.isSupported ? .avx2 : .portable
    }

    public var description: String { rawValue }
}
