/// What ``ImageEncoder`` computes for one image.
public struct ImageEncoding: Sendable, Equatable {
    /// The 1280-d embedding: the global-average-pooled head activations, **L2-normalised** (so the
    /// inner product of two embeddings is their cosine similarity).
    public var embedding: [Float]
    /// The 1000 ImageNet class logits (before softmax), in class-index order.
    public var logits: [Float]

    public init(embedding: [Float], logits: [Float]) {
        self.embedding = embedding
        self.logits = logits
    }

    /// The `k` most likely classes, most likely first, with softmax probabilities over all classes.
    public func topClasses(_ k: Int) -> [(index: Int, score: Float)] {
        guard let maxLogit = logits.max() else { return [] }
        var sum = 0.0
        for l in logits { sum += Foundation.exp(Double(l - maxLogit)) }
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        return order.prefix(max(0, k)).map { i in (i, Float(Foundation.exp(Double(logits[i] - maxLogit)) / sum)) }
    }
}

/// One predicted ImageNet class.
public struct ImageLabel: Sendable, Equatable, Codable {
    /// Class index, 0…999.
    public var index: Int
    /// Display name: the first synonym of the class (for example "tabby" for "tabby, tabby cat").
    public var name: String
    /// Softmax probability.
    public var score: Float
}

import Foundation
