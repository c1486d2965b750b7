import Foundation
import Testing
import Embedding
import SearchTesting

/// Reference sentences from `Tests/Fixtures/Reference/minilm/reference.json`.
struct MiniLMReference: Decodable {
    struct Sentence: Decodable {
        let text: String
        let token_ids: [Int32]
        let embedding: [Float]
    }
    let sentences: [Sentence]

    static func load() throws -> MiniLMReference {
        try JSONDecoder().decode(MiniLMReference.self, from: Data(contentsOf: TextFixtures.miniLMReference))
    }
}

struct WordPieceCases: Decodable {
    struct Case: Decodable {
        let text: String
        let token_ids: [Int32]
    }
    let cases: [Case]
}

@Suite struct WordPieceTokenizerTests {
    static func tokenizer() throws -> WordPieceTokenizer {
        let url = TextFixtures.miniLMDirectory.appendingPathComponent("vocab.txt")
        try #require(FileManager.default.fileExists(atPath: url.path), "run scripts/setup first: \(url.path) is missing")
        return try WordPieceTokenizer(vocabularyURL: url)
    }

    @Test func matchesReferenceTokenIDsForEverySentence() throws {
        let tokenizer = try Self.tokenizer()
        let reference = try MiniLMReference.load()
        #expect(reference.sentences.count >= 9)
        for sentence in reference.sentences {
            #expect(tokenizer.encode(sentence.text) == sentence.token_ids, "\(sentence.text)")
        }
    }

    /// Hard cases checked against Hugging Face `tokenizers` (see scripts/fixtures/make-wordpiece-cases.py):
    /// Hangul (decomposed to jamo), Greek, fullwidth forms, zero-width and control characters, a
    /// 101-scalar word, symbols, and a text truncated at 256 ids.
    @Test func matchesHuggingFaceTokenizersOnHardCases() throws {
        let tokenizer = try Self.tokenizer()
        let cases = try JSONDecoder().decode(
            WordPieceCases.self, from: Data(contentsOf: TextFixtures.fixture("wordpiece-cases.json")))
        #expect(cases.cases.count >= 20)
        for item in cases.cases {
            #expect(tokenizer.encode(item.text) == item.token_ids, "\(item.text.prefix(80))")
        }
    }

    @Test func truncatesToMaximumLengthKeepingSeparator() throws {
        let tokenizer = try Self.tokenizer()
        let ids = tokenizer.encode(String(repeating: "search engines rank documents. ", count: 200))
        #expect(ids.count == 256)
        #expect(ids.first == tokenizer.vocabulary.classifierID)
        #expect(ids.last == tokenizer.vocabulary.separatorID)
        let short = WordPieceTokenizer(vocabulary: tokenizer.vocabulary, maximumLength: 5)
        #expect(short.encode("one two three four five six") == [
            tokenizer.vocabulary.classifierID,
            tokenizer.vocabulary.id(of: "one")!, tokenizer.vocabulary.id(of: "two")!,
            tokenizer.vocabulary.id(of: "three")!, tokenizer.vocabulary.separatorID,
        ])
    }

    @Test func splitsUnknownWordsIntoContinuationPiecesOrUnknown() throws {
        let tokenizer = try Self.tokenizer()
        let vocabulary = tokenizer.vocabulary
        let pieces = tokenizer.pieces(of: "unaffable")
        #expect(pieces.count > 1)
        #expect(pieces.first == vocabulary.id(of: "una"))
        #expect(tokenizer.pieces(of: String(repeating: "a", count: 101)) == [vocabulary.unknownID])
        #expect(tokenizer.pieces(of: "😀") == [vocabulary.unknownID])
    }

    @Test func rejectsVocabularyWithoutSpecialTokens() {
        #expect(throws: TextModelError.self) {
            _ = try WordPieceVocabulary(data: Data("hello\nworld\n".utf8), source: "tiny.txt")
        }
        #expect(throws: TextModelError.self) {
            _ = try WordPieceVocabulary(data: Data([0xFF, 0xFE, 0x0A]), source: "bad.txt")
        }
        #expect(throws: TextModelError.self) {
            _ = try WordPieceVocabulary(contentsOf: URL(fileURLWithPath: "/nonexistent/vocab.txt"))
        }
    }
}
