import Foundation

/// The uncased BERT WordPiece tokenizer of `all-MiniLM-L6-v2`: ``BertBasicTokenizer`` words, then
/// greedy longest-match-first WordPiece with `##` continuations, wrapped as `[CLS] … [SEP]`.
///
/// A word longer than 100 scalars, or one that cannot be covered by vocabulary pieces, becomes a single
/// `[UNK]`. Sequences longer than `maximumLength` are truncated before `[SEP]` (so the result always
/// ends with `[SEP]` and has at most `maximumLength` ids).
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: WordPieceVocabulary
    /// The longest sequence produced, including `[CLS]` and `[SEP]` (256 for all-MiniLM-L6-v2,
    /// from its `sentence_bert_config.json`).
    public let maximumLength: Int
    /// Words longer than this (in Unicode scalars) become `[UNK]`.
    public static let maximumWordLength = 100

    public init(vocabulary: WordPieceVocabulary, maximumLength: Int = 256) {
        self.vocabulary = vocabulary
        self.maximumLength = max(2, maximumLength)
    }

    /// Reads `vocab.txt` from a model directory.
    public init(vocabularyURL: URL, maximumLength: Int = 256) throws {
        self.init(vocabulary: try WordPieceVocabulary(contentsOf: vocabularyURL), maximumLength: maximumLength)
    }

    /// Token ids for `text`: `[CLS]`, the word pieces (truncated), `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [vocabulary.classifierID]
        let budget = maximumLength - 2
        for word in BertBasicTokenizer.words(text) {
            if ids.count - 1 >= budget { break }
            appendPieces(of: word, to: &ids)
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(vocabulary.separatorID)
        return ids
    }

    /// The WordPiece ids of one word (no `[CLS]`/`[SEP]`).
    public func pieces(of word: String) -> [Int32] {
        var ids: [Int32] = []
        appendPieces(of: Array(word.unicodeScalars), to: &ids)
        return ids
    }

    func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        if word.count > Self.maximumWordLength {
            ids.append(vocabulary.unknownID)
            return
        }
        // UTF-8 bytes of the word and the byte offset of every scalar boundary, so candidates are
        // byte slices and no String is built in the loop.
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        for scalar in word {
            bytes.append(contentsOf: UTF8.encode(scalar)!)
            offsets.append(bytes.count)
        }
        let continuation: [UInt8] = [UInt8(ascii: "#"), UInt8(ascii: "#")]
        let firstPiece = ids.count
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                // The first piece is looked up bare, later ones with the "##" prefix.
                let slice = bytes[offsets[start]..<offsets[end]]
                let candidate = start == 0 ? Array(slice) : continuation + slice
                if let id = vocabulary.id(ofUTF8: candidate) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeLast(ids.count - firstPiece)
                ids.append(vocabulary.unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
