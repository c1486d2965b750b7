import Embedding
import Imaging
import Tensor
import Testing

/// The opt-in bfloat16 path (``KernelISA/avx512bf16``) is allowed only while it stays this close to
/// the float32 reference on every reference crop: cosine ≥ 0.999 and the same top-1 class.
@Suite(.enabled(if: KernelISA.isAVX512BF16Supported, "this CPU has no AVX512_BF16: the bf16 encoder path is not tested here"))
struct ImageEncoderBFloat16Tests {
    @Test func referenceCropsKeepTopOneAndCosine() throws {
        let encoder = try ImageEncoder(files: EncoderReference.files, threads: 2, kernels: .avx512bf16)
        let crops = try EncoderReference.names.map { try ImageDecoder.decode(path: EncoderReference.crop($0)) }
        let encodings = try encoder.encode(modelInputs: crops)
        var lowest: Float = 1
        for (name, encoding) in zip(EncoderReference.names, encodings) {
            let reference = EncoderReference.item(name)
            let similarity = cosine(encoding.embedding, reference.embedding)
            lowest = min(lowest, similarity)
            #expect(similarity >= 0.999, "\(name): cosine \(similarity)")
            #expect(encoder.labels(for: encoding, top: 1).first?.index == reference.top5[0], "\(name)")
        }
        print("bf16 encoder: lowest cosine to the float32 reference over \(crops.count) crops = \(lowest)")
    }
}
