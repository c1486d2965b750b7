import CCPUFeatures
import CPQKernels
#if canImport(Glibc)
import Glibc
#endif

/// Which fast-scan kernel (`CPQKernels`) scores 4-bit PQ blocks, chosen once per process: the best the CPU
/// supports (AVX-512 BW with 64-byte tables, else AVX2 with 32-byte tables), or the one named by the
/// environment variable `VSEARCH_PQ_KERNELS` (`avx512`, `avx2` or `portable`; an unsupported or unknown
/// value falls back to the best supported one). All three give identical scores.
public enum PQKernelISA: String, Sendable, CaseIterable, CustomStringConvertible {
    case portable
    case avx2
    case avx512

    /// Whether this CPU and OS can run `self`.
    public var isSupported: Bool {
        switch self {
        case .portable: true
        case .avx2: vs_isa_supported(Int32(VS_ISA_AVX2)) != 0
        case .avx512: vs_isa_supported(Int32(VS_ISA_AVX512)) != 0
        }
    }

    /// The kernel used unless a caller names one.
    public static let preferred: PQKernelISA = {
        if let name = getenv("VSEARCH_PQ_KERNELS").map({ String(cString: $0) }), let chosen = PQKernelISA(rawValue: name),
           chosen.isSupported {
            return chosen
        }
        return PQKernelISA.avx512.isSupported ? .avx512 : (PQKernelISA.avx2.isSupported ? .avx2 : .portable)
    }()

    public var description: String { rawValue }

    /// Scores `blocks` 32-vector blocks: `out[i] = bias − scale · Σ lut[s][code_s(i)]`.
    @inline(__always)
    func scanBlocks(_ codes: UnsafePointer<UInt8>, blocks: Int, lut: UnsafePointer<UInt8>, m: Int, bias: Float, scale: Float,
                    into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .avx512: vs_pq4_scan_blocks_avx512(codes, blocks, lut, m, bias, scale, out)
        case .avx2: vs_pq4_scan_blocks_avx2(codes, blocks, lut, m, bias, scale, out)
        case .portable: vs_pq4_scan_blocks_portable(codes, blocks, lut, m, bias, scale, out)
        }
    }
}
