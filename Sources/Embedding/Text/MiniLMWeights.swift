import Foundation
import Tensor

/// The weights of a BERT-style encoder, laid out for the forward pass.
///
/// Dense weights are packed once into fp16 panels (`TransformerKernels.PackedWeights`, 21 MB for
/// MiniLM's six layers); the query, key and value projections of each layer are stacked into one
/// `3·hidden × hidden` matrix so one product computes all three. Embeddings, biases and LayerNorm
/// parameters stay fp32 in one contiguous allocation; position and token-type-0 embeddings are
/// pre-added into a `maximumPositions × hidden` table.
///
/// `@unchecked Sendable`: the storage is written only in `init` and read-only afterwards; it is freed in
/// `deinit`, when no reference (and so no reader) remains.
final class MiniLMWeights: @unchecked Sendable {
    struct Layer {
        var qkvBias, attentionOutputBias: UnsafePointer<Float>
        var attentionNormGamma, attentionNormBeta: UnsafePointer<Float>
        var intermediateBias, outputBias: UnsafePointer<Float>
        var outputNormGamma, outputNormBeta: UnsafePointer<Float>
        /// The four dense weights, fp16-packed (see `TransformerKernels.PackedWeights`).
        var qkv, attentionOutput, intermediate, output: TransformerKernels.PackedWeights
    }

    let configuration: MiniLMConfiguration
    private let storage: UnsafeMutableBufferPointer<Float>
    let wordEmbeddings: UnsafePointer<Float>
    let positionEmbeddings: UnsafePointer<Float>
    let embeddingNormGamma, embeddingNormBeta: UnsafePointer<Float>
    let layers: [Layer]

    /// Reads the tensors of a sentence-transformers BERT checkpoint (names as in `BertModel`'s
    /// state dict, without a `bert.` prefix), checking every shape against `configuration`.
    init(file: SafeTensors, configuration c: MiniLMConfiguration) throws {
        let h = c.hiddenSize, f = c.intermediateSize
        var plan: [(name: String, shape: [Int])] = [
            ("embeddings.word_embeddings.weight", [c.vocabularySize, h]),
            ("embeddings.position_embeddings.weight", [c.maximumPositions, h]),
            ("embeddings.token_type_embeddings.weight", [2, h]),
            ("embeddings.LayerNorm.weight", [h]), ("embeddings.LayerNorm.bias", [h]),
        ]
        for i in 0..<c.layerCount {
            let p = "encoder.layer.\(i)."
            for m in ["query", "key", "value"] {
                plan.append((p + "attention.self.\(m).weight", [h, h]))
                plan.append((p + "attention.self.\(m).bias", [h]))
            }
            plan += [
                (p + "attention.output.dense.weight", [h, h]), (p + "attention.output.dense.bias", [h]),
                (p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
                (p + "intermediate.dense.weight", [f, h]), (p + "intermediate.dense.bias", [f]),
                (p + "output.dense.weight", [h, f]), (p + "output.dense.bias", [h]),
                (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h]),
            ]
        }
        // Read and check everything before allocating, so a bad file leaks nothing.
        var tensors: [String: [Float]] = [:]
        for (name, shape) in plan {
            guard let info = file.info(name) else {
                throw TextModelError(subject: file.path, reason: "missing tensor \(name)")
            }
            guard info.shape == shape else {
                throw TextModelError(subject: file.path, reason: "tensor \(name) has shape \(info.shape), expected \(shape)")
            }
            tensors[name] = try file.tensor(name).values
        }
        // Dense (2-D, non-embedding) weights are packed, not placed in the fp32 storage.
        let isDense = { (name: String) in name.hasPrefix("encoder.") && name.hasSuffix(".weight") && !name.contains("LayerNorm") }
        let total = plan.filter { !isDense($0.name) }.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: total)
        var cursor = storage.baseAddress!
        /// Copies `values` into the next free region of the storage and returns its start.
        func place(_ values: [Float]) -> UnsafePointer<Float> {
            let start = cursor
            values.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: $0.count) }
            cursor += values.count
            return UnsafePointer(start)
        }
        func take(_ name: String) -> [Float] { tensors.removeValue(forKey: name)! }

        wordEmbeddings = place(take("embeddings.word_embeddings.weight"))
        var positions = take("embeddings.position_embeddings.weight")
        let tokenType = take("embeddings.token_type_embeddings.weight")
        for p in 0..<c.maximumPositions {
            for j in 0..<h { positions[p * h + j] += tokenType[j] }
        }
        positionEmbeddings = place(positions)
        _ = place([Float](repeating: 0, count: 2 * h))  // keeps `total` exact (token-type table folded in)
        embeddingNormGamma = place(take("embeddings.LayerNorm.weight"))
        embeddingNormBeta = place(take("embeddings.LayerNorm.bias"))
        var layers: [Layer] = []
        for i in 0..<c.layerCount {
            let p = "encoder.layer.\(i)."
            func pack(_ values: [Float], out: Int, in inFeatures: Int) -> TransformerKernels.PackedWeights {
                values.withUnsafeBufferPointer { .init(weight: $0.baseAddress!, outFeatures: out, inFeatures: inFeatures) }
            }
            let qkv = pack(take(p + "attention.self.query.weight") + take(p + "attention.self.key.weight")
                           + take(p + "attention.self.value.weight"), out: 3 * h, in: h)
            let qkvBias = place(take(p + "attention.self.query.bias") + take(p + "attention.self.key.bias")
                                + take(p + "attention.self.value.bias"))
            let attentionOutput = pack(take(p + "attention.output.dense.weight"), out: h, in: h)
            let attentionOutputBias = place(take(p + "attention.output.dense.bias"))
            let attentionNormGamma = place(take(p + "attention.output.LayerNorm.weight"))
            let attentionNormBeta = place(take(p + "attention.output.LayerNorm.bias"))
            let intermediate = pack(take(p + "intermediate.dense.weight"), out: f, in: h)
            let intermediateBias = place(take(p + "intermediate.dense.bias"))
            let output = pack(take(p + "output.dense.weight"), out: h, in: f)
            layers.append(Layer(
                qkvBias: qkvBias, attentionOutputBias: attentionOutputBias,
                attentionNormGamma: attentionNormGamma, attentionNormBeta: attentionNormBeta,
                intermediateBias: intermediateBias,
                outputBias: place(take(p + "output.dense.bias")),
                outputNormGamma: place(take(p + "output.LayerNorm.weight")),
                outputNormBeta: place(take(p + "output.LayerNorm.bias")),
                qkv: qkv, attentionOutput: attentionOutput, intermediate: intermediate, output: output))
        }
        precondition(cursor == storage.baseAddress! + total)
        self.layers = layers
        self.storage = storage
        self.configuration = c
    }

    deinit { storage.deallocate() }
}
