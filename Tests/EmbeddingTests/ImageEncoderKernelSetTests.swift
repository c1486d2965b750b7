import Embedding
import Imaging
import Tensor
import Testing

/// The reference crops through each kernel instruction set explicitly (the other reference tests use
/// the preferred set, the production path): same top-5, cosine ≥ 0.9999 to the anchors, and the two
/// sets agree with each other.
@Suite struct ImageEncoderKernelSetTests {
    @Test func avx2KernelsMatchTheReference() throws {
        try Self.check(try EncoderReference.avx2Encoder.get())
    }

    @Test(.enabled(if: KernelISA.isAVX512Supported, "this CPU has no AVX-512: the AVX-512 encoder path is not tested here"))
    func avx512KernelsMatchTheReferenceAndAVX2() throws {
        let encoder = try EncoderReference.avx512Encoder.get()
        try Self.check(encoder)
        let crops = try EncoderReference.names.map { try ImageDecoder.decode(path: EncoderReference.crop($0)) }
        let wide = try encoder.encode(modelInputs: crops)
        let narrow = try EncoderReference.avx2Encoder.get().encode(modelInputs: crops)
        for (name, (a, b)) in zip(EncoderReference.names, zip(wide, narrow)) {
            #expect(cosine(a.embedding, b.embedding) > 0.99999, "\(name)")
            #expect(zip(a.logits, b.logits).allSatisfy { abs($0 - $1) < 1e-3 }, "\(name)")
        }
    }

    static func check(_ encoder: ImageEncoder) throws {
        let crops = try EncoderReference.names.map { try ImageDecoder.decode(path: EncoderReference.crop($0)) }
        let encodings = try encoder.encode(modelInputs: crops)
        for (name, encoding) in zip(EncoderReference.names, encodings) {
            let reference = EncoderReference.item(name)
            #expect(encoder.labels(for: encoding, top: 5).map(\.index) == reference.top5, "\(encoder.kernels) \(name)")
            #expect(cosine(encoding.embedding, reference.embedding) >= 0.9999, "\(encoder.kernels) \(name)")
        }
    }
}
