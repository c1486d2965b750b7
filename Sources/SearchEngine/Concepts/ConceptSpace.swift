import Embedding
import Foundation
import Synchronization

/// The text → image bridge without captions (ConSE: Norouzi et al., "Zero-Shot Learning by Convex
/// Combination of Semantic Embeddings", ICLR 2014): every ImageNet class is embedded once with MiniLM —
/// its names and its WordNet hypernyms (``textsFileName``, e.g. "Pekinese, Pekingese, Peke; a kind of toy
/// dog, dog, canine, carnivore, placental"), so the class text itself says what the class is — and an image's **concept vector** is the convex combination of the embeddings of its top
/// ``defaultTop`` classes weighted by the CNN's softmax probabilities (renormalised over those classes),
/// L2-normalised. It lives in the same space as a text query's MiniLM embedding, so the cosine of the two
/// ranks uncaptioned photos for words no label spells ("bird" finds a "goldfinch").
///
/// A video's vector uses each class's maximum probability over its frames (as its auto-tags do: a bird
/// seen clearly in one scene is a bird in the video), then the same top-T combination.
public struct ConceptSpace: Sendable {
    /// Classes combined per image (the paper's T = 10).
    public static let defaultTop = 10

    /// `classCount × dimension` floats, row-major: the unit MiniLM embedding of each class name.
    public let classEmbeddings: [Float]
    public let classCount: Int
    public let dimension: Int
    /// Classes combined per image.
    public let top: Int

    /// The class texts inside the model directory (copied there by `scripts/setup` from
    /// `assets/imagenet-concepts.txt`, made by `scripts/make-imagenet-concepts.py` from WordNet 3.0).
    public static let textsFileName = "imagenet-concepts.txt"

    /// The text embedded for each class: the line of ``textsFileName`` in `files` (default: the located
    /// model directory) when that file has one line per class, each starting with the class's name;
    /// otherwise the class names alone.
    public static func classTexts(classNames: [String], files: ModelFiles? = try? ModelFiles.locate()) -> [String] {
        let names = classNames.map { $0.replacingOccurrences(of: "_", with: " ") }
        guard let path = files?.path(textsFileName), let text = try? String(contentsOfFile: path, encoding: .utf8) else { return names }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let body = lines.last == "" ? Array(lines.dropLast()) : lines
        guard body.count == names.count, zip(body, names).allSatisfy({ $0.hasPrefix($1) }) else { return names }
        return body
    }

    /// Embeds one text per class (``classTexts(classNames:files:)``) with `textEncoder`.
    public init(classTexts texts: [String], textEncoder: TextEncoder, top: Int = defaultTop) {
        self.init(classEmbeddings: textEncoder.embed(texts, batchSize: 64).flatMap { $0 }, classCount: texts.count,
                  dimension: textEncoder.dimension, top: top)
    }

    /// A space over class embeddings computed elsewhere (`classCount × dimension` floats, row-major).
    public init(classEmbeddings: [Float], classCount: Int, dimension: Int, top: Int = defaultTop) {
        precondition(classEmbeddings.count == classCount * dimension, "one embedding per class")
        self.classEmbeddings = classEmbeddings
        self.classCount = classCount
        self.dimension = dimension
        self.top = max(1, top)
    }

    /// The space for `classNames` (their ``classTexts(classNames:files:)``) and `textEncoder`, computed once
    /// per process (a pure function of the two: 1,000 short texts through MiniLM) and shared by every
    /// build, add and upload after. `threads`: threads of that one embedding pass.
    public static func shared(classNames: [String], textEncoder: TextEncoder, threads: Int = 1) -> ConceptSpace {
        let texts = classTexts(classNames: classNames)
        // Keyed by the encoder object, which the entry keeps alive (so its identity cannot be reused).
        if let found = cache.withLock({ $0.first { $0.encoder === textEncoder && $0.names == texts }?.space }) { return found }
        let space = ConceptSpace(classTexts: texts, textEncoder: threads > 1 ? textEncoder.withThreads(threads) : textEncoder)
        cache.withLock { entries in
            if !entries.contains(where: { $0.encoder === textEncoder && $0.names == texts }) {
                entries.append((textEncoder, texts, space))
                if entries.count > 4 { entries.removeFirst() }
            }
        }
        return space
    }

    private static let cache = Mutex<[(encoder: TextEncoder, names: [String], space: ConceptSpace)]>([])

    /// The concept vector of class probabilities `probabilities` (one per class, any non-negative scale):
    /// Σ pᵢ·eᵢ over the `top` most probable classes, divided by Σ pᵢ, then L2-normalised. Nil when no class
    /// has a positive finite probability.
    public func vector(probabilities: [Float]) -> [Float]? {
        guard probabilities.count == classCount else { return nil }
        let order = probabilities.indices
            .filter { probabilities[$0].isFinite && probabilities[$0] > 0 }
            .sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            .prefix(top)
        guard !order.isEmpty else { return nil }
        var sum: Float = 0
        for index in order { sum += probabilities[index] }
        var result = [Float](repeating: 0, count: dimension)
        for index in order {
            let weight = probabilities[index] / sum
            let base = index * dimension
            for d in 0..<dimension { result[d] += weight * classEmbeddings[base + d] }
        }
        var norm: Float = 0
        for value in result { norm += value * value }
        guard norm > 0, norm.isFinite else { return nil }
        let scale = 1 / norm.squareRoot()
        return result.map { $0 * scale }
    }

    /// The concept vector of one image's class logits (softmax, then ``vector(probabilities:)``).
    public func vector(logits: [Float]) -> [Float]? {
        vector(probabilities: Self.softmax(logits))
    }

    /// The concept vector of a video from its frames' class logits: each class's maximum probability
    /// over the frames, then ``vector(probabilities:)``.
    public func vector(frameLogits: [[Float]]) -> [Float]? {
        guard var best = frameLogits.first.map(Self.softmax) else { return nil }
        for logits in frameLogits.dropFirst() {
            let probabilities = Self.softmax(logits)
            guard probabilities.count == best.count else { return nil }
            for i in best.indices { best[i] = max(best[i], probabilities[i]) }
        }
        return vector(probabilities: best)
    }

    /// Softmax probabilities of `logits` (max-subtracted; empty for empty input).
    static func softmax(_ logits: [Float]) -> [Float] {
        guard let maximum = logits.max(), maximum.isFinite else { return [Float](repeating: 0, count: logits.count) }
        let exps = logits.map { Float(Foundation.exp(Double($0 - maximum))) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}
