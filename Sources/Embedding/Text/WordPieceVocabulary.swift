import Foundation

/// A BERT WordPiece vocabulary (`vocab.txt`: one token per line, the line number is the token id).
///
/// Tokens are keyed by their exact UTF-8 bytes, not by `String`: Swift compares strings by canonical
/// equivalence, so a decomposed Hangul jamo sequence would otherwise match a precomposed syllable in
/// the vocabulary, which the reference tokenizers (Python `dict`, Rust `HashMap`) never do.
public struct WordPieceVocabulary: Sendable {
    /// Token id by the token's UTF-8 bytes.
    let idsByBytes: [[UInt8]: Int32]
    /// Number of lines (token ids run `0..<count`).
    public let count: Int
    public let classifierID: Int32
    public let separatorID: Int32
    public let paddingID: Int32
    public let unknownID: Int32

    /// Reads `vocab.txt`. Fails naming the file if it cannot be read, is not UTF-8, is implausibly
    /// large, or lacks one of `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TextModelError(subject: url.path, reason: "cannot read the vocabulary (\(error.localizedDescription))")
        }
        try self.init(data: data, source: url.path)
    }

    /// Parses vocabulary text (`source` names it in errors).
    public init(data: Data, source: String) throws {
        guard data.count <= 64 << 20 else {
            throw TextModelError(subject: source, reason: "vocabulary is \(data.count) bytes, more than the 64 MiB limit")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw TextModelError(subject: source, reason: "vocabulary is not valid UTF-8")
        }
        var ids: [[UInt8]: Int32] = [:]
        var lineNumber: Int32 = 0
        // Split on "\n" only (as Python's `line.rstrip("\n")` does); a later duplicate wins, as in a dict.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if text.utf8.last == UInt8(ascii: "\n") { lines.removeLast() }
        ids.reserveCapacity(lines.count)
        for line in lines {
            ids[Array(line)] = lineNumber
            lineNumber += 1
        }
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[Array(token.utf8)] else {
                throw TextModelError(subject: source, reason: "vocabulary has no \(token) token")
            }
            return id
        }
        idsByBytes = ids
        count = Int(lineNumber)
        classifierID = try special("[CLS]")
        separatorID = try special("[SEP]")
        paddingID = try special("[PAD]")
        unknownID = try special("[UNK]")
    }

    /// The id of a token given by its UTF-8 bytes, or nil.
    public func id<Bytes: Collection>(ofUTF8 bytes: Bytes) -> Int32? where Bytes.Element == UInt8 {
        idsByBytes[Array(bytes)]
    }

    /// The id of a token, or nil.
    public func id(of token: String) -> Int32? { idsByBytes[Array(token.utf8)] }
}
