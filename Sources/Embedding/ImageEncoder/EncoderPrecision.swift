/// The arithmetic an ``ImageEncoder`` runs its 1×1 convolutions with.
///
/// - ``fp32``: float32 everywhere — the reference (what the reference tests check).
/// - ``int8``: the 1×1 convolutions chosen by ``Int8Calibration`` (expand, project, head) with int8
///   weights (per output channel) and activations quantised per pixel on the fly, int32 sums
///   (AVX-512 VNNI where the CPU has it, see ``Int8KernelISA``); stem, depthwise convolutions,
///   pooling and classifier stay float32. Embeddings are close to, not equal to, float32 ones (cosine
///   figures in BENCHMARKS.md), so an index's vectors and its queries should use the same precision.
public enum EncoderPrecision: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case fp32
    case int8

    public var description: String { rawValue }
}
