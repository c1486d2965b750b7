import Foundation
import Testing
import Embedding
import Tensor
import SearchTesting

/// One encoder for the whole suite (loading copies 90 MB of weights).
enum SharedTextEncoder {
    static let result: Result<TextEncoder, any Error> = Result {
        try TextEncoder(modelDirectory: TextFixtures.miniLMDirectory)
    }
    static func get() throws -> TextEncoder { try result.get() }
}

func textCosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x * x); nb += Double(y * y) }
    return dot / (na * nb).squareRoot()
}

@Suite struct TextEncoderTests {
    @Test func matchesReferenceEmbeddingsInOneBatch() throws {
        let encoder = try SharedTextEncoder.get()
        let reference = try MiniLMReference.load()
        let embeddings = encoder.embed(reference.sentences.map(\.text))
        for (sentence, embedding) in zip(reference.sentences, embeddings) {
            #expect(embedding.count == 384)
            #expect(sentence.embedding.count == 384)
            let similarity = textCosine(embedding, sentence.embedding)
            #expect(similarity >= 0.9999, "\(sentence.text): cosine \(similarity)")
            let norm = embedding.reduce(0) { $0 + Double($1 * $1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    /// Packing sequences of different lengths into one batch must not change any of them.
    @Test func batchedEqualsOneAtATime() throws {
        let encoder = try SharedTextEncoder.get()
        let texts = ["A man is riding a horse.", "", "東京の夜景 night walk in Tokyo",
                     String(repeating: "long text about harbours and sunsets ", count: 60)]
        let batched = encoder.embed(texts)
        for (text, vector) in zip(texts, batched) {
            let single = encoder.embed(text)
            #expect(zip(single, vector).allSatisfy { abs($0 - $1) < 1e-5 }, "\(text.prefix(40))")
        }
        let smallBatches = encoder.embed(texts, batchSize: 3)
        #expect(zip(smallBatches, batched).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-5 } })
    }

    /// On two threads (dense-layer columns, attention sequences and row-wise steps split over a worker
    /// team) every value is computed by the same operations in the same order: identical embeddings.
    @Test func twoThreadsGiveIdenticalEmbeddings() throws {
        let encoder = try SharedTextEncoder.get()
        let texts = ["A man is riding a horse.", "東京の夜景 night walk in Tokyo", "short",
                     String(repeating: "long text about harbours and sunsets ", count: 20)]
        let one = encoder.withThreads(1).embed(texts)
        let twoThreads = encoder.withThreads(2)
        #expect(twoThreads.threadCount == 2)
        let workspace = TextEncoderWorkspace()
        let two = twoThreads.embed(texts, workspace: workspace)
        let twoAgain = twoThreads.embed(texts, workspace: workspace)  // the team is reused
        let singleOnTwo = twoThreads.embed(["single sentence on two threads"])
        #expect(one == two && two == twoAgain)
        #expect(singleOnTwo == encoder.withThreads(1).embed(["single sentence on two threads"]))
    }

    /// Semantic sanity beyond the reference vectors (published sentence-transformers cosines).
    @Test func similarSentencesAreCloser() throws {
        let encoder = try SharedTextEncoder.get()
        let e = encoder.embed(["The new movie is awesome", "The new movie is so great", "I love pasta",
                               "Do you like pizza?"])
        #expect(abs(textCosine(e[0], e[1]) - 0.8939) < 0.0005)
        #expect(abs(textCosine(e[2], e[3]) - 0.5096) < 0.0005)
        #expect(textCosine(e[0], e[1]) > textCosine(e[0], e[2]))
    }

    @Test func rejectsInvalidTokenSequences() throws {
        let encoder = try SharedTextEncoder.get()
        let workspace = TextEncoderWorkspace()
        #expect(throws: TextModelError.self) { _ = try encoder.embed(tokenIDs: [[]], workspace: workspace) }
        #expect(throws: TextModelError.self) { _ = try encoder.embed(tokenIDs: [[101, 40000, 102]], workspace: workspace) }
        #expect(throws: TextModelError.self) {
            _ = try encoder.embed(tokenIDs: [[Int32](repeating: 1000, count: 513)], workspace: workspace)
        }
        #expect(try encoder.embed(tokenIDs: [], workspace: workspace).isEmpty)
    }

    @Test func missingModelDirectoryIsANamedError() {
        let error = #expect(throws: (any Error).self) {
            _ = try TextEncoder(modelDirectory: URL(fileURLWithPath: "/nonexistent/minilm"))
        }
        #expect(String(describing: error!).contains("/nonexistent/minilm"))
    }
}
