import Catalog
import Foundation

/// One shard's answer to a ``ShardQuery``: each source's ranked candidates (string ids, the source's
/// own score, a video's moments) and the fields of the candidates in each source's first `k`, so that
/// ``QueryEngine/merge(_:options:hasText:offset:)`` can merge the answers of any number of shards and build
/// ``SearchHit``s (asking a shard again only for the rare row a fused page needs beyond those). Codable: a shard replica sends it to the router as JSON.
public struct ShardCandidates: Codable, Sendable, Equatable {
    /// One candidate of one source.
    public struct Candidate: Codable, Sendable, Equatable {
        public var id: String
        /// The source's score: visual cosine similarity (a video's best frame), BM25 relevance (higher is
        /// better), semantic cosine similarity.
        public var score: Double
        /// Visual candidates that are videos: the best moments, best first; else empty.
        public var moments: [Moment]

        public init(id: String, score: Double, moments: [Moment] = []) {
            self.id = id
            self.score = score
            self.moments = moments
        }
    }

    /// The candidates of each source that ran for this query (`visual`, `bm25`, `semantic`, `concepts`), best first,
    /// keyed by the source's name; a source that did not run (no visual side / no text) is absent.
    public var sources: [String: [Candidate]]
    /// The catalog rows of the candidates in each source's first `k`, by id (an item removed since retrieval is absent).
    public var items: [String: CatalogItem]
    /// The answering replica's index state (``ResultPaging/indexStamp(_:)``): the router's cursors combine every
    /// shard's, so a page asked for after a shard changed is refused as stale, as on one machine.
    public var indexStamp: String?

    public init(sources: [RankingSource: [Candidate]] = [:], items: [String: CatalogItem] = [:]) {
        self.sources = Dictionary(uniqueKeysWithValues: sources.map { ($0.key.rawValue, $0.value) })
        self.items = items
    }

    /// The candidates of `source`; nil when it did not run.
    public subscript(source: RankingSource) -> [Candidate]? {
        get { sources[source.rawValue] }
        set { sources[source.rawValue] = newValue }
    }

    private enum CodingKeys: String, CodingKey { case sources, items, indexStamp }

    /// A source's list on the wire: ids in rank order, the scores as base64 of little-endian fp64 (exact), and
    /// only the moments that exist. A text query's lists run 1,000 deep on every source: as an array of
    /// `{"id", "score", "moments"}` objects they took ~5 ms each to encode and decode (Foundation's JSON).
    private struct WireList: Codable {
        var ids: [String]
        var scores: String
        var moments: [String: [Moment]]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decode([String: CatalogItem].self, forKey: .items)
        indexStamp = try container.decodeIfPresent(String.self, forKey: .indexStamp)
        sources = [:]
        for (source, list) in try container.decode([String: WireList].self, forKey: .sources) {
            guard let data = Data(base64Encoded: list.scores), data.count == list.ids.count * 8 else {
                throw DecodingError.dataCorruptedError(forKey: .sources, in: container,
                                                       debugDescription: "\(source): scores do not match the ids")
            }
            let scores = data.withUnsafeBytes { raw in
                (0..<list.ids.count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            }
            sources[source] = zip(list.ids, scores).map { Candidate(id: $0, score: $1, moments: list.moments?[$0] ?? []) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encodeIfPresent(indexStamp, forKey: .indexStamp)
        var wire: [String: WireList] = [:]
        for (source, candidates) in sources {
            var bytes = Data(capacity: candidates.count * 8)
            for candidate in candidates { withUnsafeBytes(of: candidate.score.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            let moments = Dictionary(candidates.filter { !$0.moments.isEmpty }.map { ($0.id, $0.moments) }, uniquingKeysWith: { a, _ in a })
            wire[source] = WireList(ids: candidates.map(\.id), scores: bytes.base64EncodedString(), moments: moments.isEmpty ? nil : moments)
        }
        try container.encode(wire, forKey: .sources)
    }
}
