import Catalog
import Foundation

/// A query resolved to what every shard can answer on its own: the visual query vectors (already
/// embedded, or an item's stored vectors), the item to leave out, the text and its MiniLM embedding, and
/// the retrieval knobs. The single-machine engine makes one from a ``SearchRequest``
/// (``QueryEngine/shardQuery(for:)``); the cluster router makes one once per query and sends it to one
/// replica of every shard, so no shard runs a model for a query image or re-embeds the text.
///
/// Codable for the wire: vectors travel as base64 little-endian fp32 (exact, ~4/3 the raw bytes).
public struct ShardQuery: Codable, Sendable, Equatable {
    /// Visual query vectors (unit length); empty: the query has no visual side.
    @Base64Vectors public var vectors: [[Float]]
    /// An item query's item: never returned (each shard drops it if it holds it).
    public var excludedID: String?
    /// Query text (nil: no text side).
    public var text: String?
    /// MiniLM embedding of `text`; nil: the shard embeds the text with its own model.
    @Base64Vectors public var textEmbeddings: [[Float]]
    /// Results wanted after fusion; each shard returns up to `k` visual items and
    /// `max(k, candidatesPerSource)` per text source.
    public var k: Int
    public var filter: CatalogFilter
    public var overFetch: Int
    /// nil: the shard's configured or saved default.
    public var nprobe: Int?
    public var candidatesPerSource: Int
    public var lexicalWeights: LexicalWeights
    /// How deep the visual ranking goes (``QueryOptions/maximumResults``; the router asks for one page).
    public var maximumResults: Int
    /// The whole collection's BM25 figures for ``text`` (the router's first round); nil: the shard's own.
    public var lexicalStatistics: LexicalStatistics?

    public init(vectors: [[Float]] = [], excludedID: String? = nil, text: String? = nil, textEmbedding: [Float]? = nil,
                lexicalStatistics: LexicalStatistics? = nil, options: QueryOptions) {
        self.lexicalStatistics = lexicalStatistics
        self.vectors = vectors
        self.excludedID = excludedID
        self.text = text
        textEmbeddings = textEmbedding.map { [$0] } ?? []
        k = options.k
        filter = options.filter
        overFetch = options.overFetch
        nprobe = options.nprobe
        candidatesPerSource = options.candidatesPerSource
        lexicalWeights = options.lexicalWeights
        maximumResults = options.maximumResults
    }

    /// The MiniLM embedding of ``text``, when the router sent one.
    public var textEmbedding: [Float]? { textEmbeddings.first }

    /// The retrieval part of ``QueryOptions`` (fusion is the assembler's business, not a shard's).
    public var options: QueryOptions {
        QueryOptions(k: k, filter: filter, overFetch: overFetch, nprobe: nprobe, candidatesPerSource: candidatesPerSource,
                     lexicalWeights: lexicalWeights, maximumResults: maximumResults)
    }
}

/// Vectors on the wire as base64 strings (``VectorCoding``) instead of arrays of decimal numbers.
@propertyWrapper
public struct Base64Vectors: Codable, Sendable, Equatable {
    public var wrappedValue: [[Float]]

    public init(wrappedValue: [[Float]]) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode([String].self).map { try VectorCoding.decode($0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.map(VectorCoding.encode))
    }
}

/// fp32 vectors as base64 of their little-endian bytes: exact (no decimal round trip) and compact.
public enum VectorCoding {
    public static func encode(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return Data(bytes).base64EncodedString()
    }

    public static func decode(_ text: String) throws -> [Float] {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw SearchEngineError(.invalidQuery, "vector", "not base64 of little-endian fp32 values")
        }
        return stride(from: 0, to: data.count, by: 4).map { i in
            let bits = UInt32(data[data.startIndex + i]) | UInt32(data[data.startIndex + i + 1]) << 8
                | UInt32(data[data.startIndex + i + 2]) << 16 | UInt32(data[data.startIndex + i + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
