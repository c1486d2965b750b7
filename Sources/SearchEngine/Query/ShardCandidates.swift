import Catalog

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
}
