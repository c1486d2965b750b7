import Foundation
import Tensor

/// Sentence embeddings with all-MiniLM-L6-v2 (sentence-transformers): WordPiece tokens → 6-layer BERT
/// encoder → attention-masked mean pooling → L2 normalisation. Output: 384 floats of unit length.
///
/// Batches are packed (each sequence's real tokens only, no padding): the dense layers run as one GEMM
/// over all tokens of the batch, attention runs per sequence. That is exactly what BERT computes with
/// an attention mask, without the wasted work on padding.
///
/// Thread safety: the encoder is immutable and `Sendable`; concurrent calls each use their own
/// ``TextEncoderWorkspace``. Threads per forward pass: ``threadCount``, chosen by whoever creates the
/// encoder (no process-wide setting); with more than one, the dense layers split their columns over a
/// worker team kept in the workspace, so callers embedding repeatedly should pass the same workspace.
public final class TextEncoder: Sendable {
    /// Embedding width (384).
    public let dimension: Int
    public let configuration: MiniLMConfiguration
    public let tokenizer: WordPieceTokenizer
    /// Threads one forward pass uses (1: concurrent callers each take a core).
    public let threadCount: Int
    let weights: MiniLMWeights

    /// Loads `model.safetensors` and `vocab.txt` from `directory` (as `scripts/setup` installs them in
    /// `assets/models/minilm`). Throws ``TextModelError`` or `WeightFileError` naming the file.
    public convenience init(modelDirectory directory: URL, threads: Int = 1) throws {
        let vocabulary = try WordPieceVocabulary(contentsOf: directory.appendingPathComponent("vocab.txt"))
        let file = try SafeTensors(path: directory.appendingPathComponent("model.safetensors").path)
        try self.init(weights: file, vocabulary: vocabulary, threads: threads)
    }

    /// Builds the encoder from an opened weight file and a vocabulary.
    public init(weights file: SafeTensors, vocabulary: WordPieceVocabulary,
                configuration: MiniLMConfiguration = .allMiniLML6V2, threads: Int = 1) throws {
        guard vocabulary.count == configuration.vocabularySize else {
            throw TextModelError(subject: file.path, reason:
                "vocabulary has \(vocabulary.count) tokens but the model expects \(configuration.vocabularySize)")
        }
        self.configuration = configuration
        self.threadCount = max(1, threads)
        self.dimension = configuration.hiddenSize
        self.tokenizer = WordPieceTokenizer(vocabulary: vocabulary, maximumLength: configuration.maximumSequenceLength)
        self.weights = try MiniLMWeights(file: file, configuration: configuration)
    }

    /// The same model (weights shared, nothing reloaded) running each forward pass on `threads` threads.
    public func withThreads(_ threads: Int) -> TextEncoder {
        TextEncoder(sharing: self, threads: threads)
    }

    private init(sharing other: TextEncoder, threads: Int) {
        configuration = other.configuration
        dimension = other.dimension
        tokenizer = other.tokenizer
        weights = other.weights
        threadCount = max(1, threads)
    }

    /// The embedding of one text (384 floats, unit length).
    public func embed(_ text: String) -> [Float] {
        embed([text])[0]
    }

    /// The embeddings of `texts`, in order, computed `batchSize` texts at a time.
    public func embed(_ texts: [String], batchSize: Int = 32, workspace: TextEncoderWorkspace? = nil) -> [[Float]] {
        let workspace = workspace ?? TextEncoderWorkspace(configuration: configuration)
        var result: [[Float]] = []
        result.reserveCapacity(texts.count)
        var start = 0
        let step = max(1, batchSize)
        while start < texts.count {
            let batch = texts[start..<min(texts.count, start + step)].map(tokenizer.encode)
            // Token ids from our own tokenizer are always valid.
            result += try! embed(tokenIDs: batch, workspace: workspace)
            start += step
        }
        return result
    }

    /// Embeds already-tokenised sequences (each with its `[CLS]`/`[SEP]`), all in one pass.
    ///
    /// Throws ``TextModelError`` if a sequence is empty, longer than `maximumPositions`, or holds an id
    /// outside the vocabulary.
    public func embed(tokenIDs sequences: [[Int32]], workspace: TextEncoderWorkspace) throws -> [[Float]] {
        let c = configuration
        for (n, ids) in sequences.enumerated() {
            guard !ids.isEmpty, ids.count <= c.maximumPositions else {
                throw TextModelError(subject: "token sequence \(n)",
                                     reason: "has \(ids.count) tokens; 1...\(c.maximumPositions) are allowed")
            }
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= c.vocabularySize }) {
                throw TextModelError(subject: "token sequence \(n)", reason: "token id \(bad) is outside the vocabulary")
            }
        }
        guard !sequences.isEmpty else { return [] }
        let tokens = sequences.reduce(0) { $0 + $1.count }
        workspace.reserve(tokens: tokens, longest: sequences.map(\.count).max()!, members: threadCount)
        forward(sequences, tokens: tokens, workspace)
        return pool(sequences, workspace)
    }

    /// The encoder: embeddings + LayerNorm, then `layerCount` × (attention, residual + LayerNorm,
    /// feed-forward with GELU, residual + LayerNorm). Leaves the token vectors in `workspace.state`.
    private func forward(_ sequences: [[Int32]], tokens m: Int, _ w: TextEncoderWorkspace) {
        let h = configuration.hiddenSize, f = configuration.intermediateSize
        let eps = configuration.layerNormEpsilon
        var row = 0
        for ids in sequences {
            for (position, id) in ids.enumerated() {
                let out = w.state + row * h
                out.update(from: weights.wordEmbeddings + Int(id) * h, count: h)
                TransformerKernels.addBias(rows: 1, width: h, data: out, bias: weights.positionEmbeddings + position * h)
                row += 1
            }
        }
        TransformerKernels.layerNorm(rows: m, width: h, data: w.state, bias: nil,
                                     gamma: weights.embeddingNormGamma, beta: weights.embeddingNormBeta, epsilon: eps)
        let threads = threadCount
        let team = w.team(size: threads)
        /// Runs `body(range, member)` on contiguous parts of `0..<count`, one per team member (or all
        /// on this thread); the parts touch disjoint rows (or sequences) and the member's own scratch.
        func parts(_ count: Int, _ body: (Range<Int>, Int) -> Void) {
            guard let team, count > 1 else { body(0..<count, 0); return }
            let parts = min(team.size, count)
            team.run { member in
                guard member < parts else { return }
                body((count * member / parts)..<(count * (member + 1) / parts), member)
            }
        }
        /// state ← LayerNorm(state + input · Wᵀ + bias): a projection added to the residual stream, normalised
        /// (after attention and after the feed-forward block).
        func addResidual(_ input: UnsafeMutablePointer<Float>, _ projection: TransformerKernels.PackedWeights,
                         bias: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>) {
            w.next.update(from: w.state, count: m * h)
            TransformerKernels.linear(rows: m, input: input, weights: projection, output: w.next, accumulate: true, threads: threads, team: team)
            parts(m) { rows, _ in
                TransformerKernels.layerNorm(rows: rows.count, width: h, data: w.next + rows.lowerBound * h, bias: bias,
                                             gamma: gamma, beta: beta, epsilon: eps)
            }
            w.swapStateAndNext()
        }
        var firstRow: [Int] = [0]
        for ids in sequences { firstRow.append(firstRow.last! + ids.count) }
        let scratchCount = TransformerKernels.attentionScratchCount(length: w.sequenceCapacity, headWidth: configuration.headWidth)
        for layer in weights.layers {
            // Self-attention: packed Q|K|V for all tokens, then attention within each sequence.
            TransformerKernels.linear(rows: m, input: w.state, weights: layer.qkv, output: w.qkv, accumulate: false,
                                      threads: threads, team: team)
            parts(m) { rows, _ in
                TransformerKernels.addBias(rows: rows.count, width: 3 * h, data: w.qkv + rows.lowerBound * 3 * h, bias: layer.qkvBias)
            }
            parts(sequences.count) { range, member in
                for n in range {
                    TransformerKernels.selfAttention(
                        length: sequences[n].count, heads: configuration.headCount, headWidth: configuration.headWidth,
                        qkv: w.qkv + firstRow[n] * 3 * h, qkvStride: 3 * h,
                        output: w.context + firstRow[n] * h, outputStride: h, scores: w.scores + member * scratchCount)
                }
            }
            // state ← LayerNorm(state + context · Woᵀ + bo)
            addResidual(w.context, layer.attentionOutput, bias: layer.attentionOutputBias,
                        gamma: layer.attentionNormGamma, beta: layer.attentionNormBeta)
            // Feed-forward: next = LayerNorm(state + GELU(state · W1ᵀ + b1) · W2ᵀ + b2)
            TransformerKernels.linear(rows: m, input: w.state, weights: layer.intermediate, output: w.feedForward,
                                      accumulate: false, threads: threads, team: team)
            parts(m) { rows, _ in
                TransformerKernels.biasGELU(rows: rows.count, width: f, data: w.feedForward + rows.lowerBound * f, bias: layer.intermediateBias)
            }
            addResidual(w.feedForward, layer.output, bias: layer.outputBias, gamma: layer.outputNormGamma, beta: layer.outputNormBeta)
        }
    }

    /// Mean of each sequence's token vectors (all are real tokens: the batch is packed), L2-normalised.
    private func pool(_ sequences: [[Int32]], _ w: TextEncoderWorkspace) -> [[Float]] {
        let h = configuration.hiddenSize
        var result: [[Float]] = []
        result.reserveCapacity(sequences.count)
        var row = 0
        for ids in sequences {
            var sum = [Double](repeating: 0, count: h)
            for t in 0..<ids.count {
                let vector = w.state + (row + t) * h
                for j in 0..<h { sum[j] += Double(vector[j]) }
            }
            row += ids.count
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Mean pooling then L2 normalisation: the 1/count factor cancels, so divide by the norm only.
            let scale = norm > 0 ? 1 / norm : 0
            result.append(sum.map { Float($0 * scale) })
        }
        return result
    }
}
