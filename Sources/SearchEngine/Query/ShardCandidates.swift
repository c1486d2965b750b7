import Catalog

/// One shard's answer to a ``ShardQuery``: each source's ranked candidates (string ids, the source's
/// own score, a video's moments) and the fields of every candidate item, so that
/// ``QueryEngine/assemble(_:options:hasText:)`` can merge the answers of any number of shards and build
/// ``SearchHit``s without asking a shard again. Codable: a shard replica sends it to the router as JSON.
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

    /// The item fields a ``SearchHit`` shows.
    public struct Item: Codable, Sendable, Equatable {
        public var kind: ItemKind
        public var path: String
        public var title: String
        public var tags: [String]
        public var duration: Double?

        public init(_ item: CatalogItem) {
            kind = item.kind
            path = item.source
            title = item.title
            tags = item.tags
            duration = item.duration
        }
    }

    /// nil: the source did not run for this query (no visual side / no text).
    public var visual: [Candidate]?
    public var bm25: [Candidate]?
    public var semantic: [Candidate]?
    /// Concept-vector candidates (absent in the JSON of a replica that predates them: treated as none).
    public var concepts: [Candidate]?
    /// Fields of every candidate, by id (an item removed since retrieval is absent and dropped).
    public var items: [String: Item]

    public init(visual: [Candidate]? = nil, bm25: [Candidate]? = nil, semantic: [Candidate]? = nil,
                concepts: [Candidate]? = nil, items: [String: Item] = [:]) {
        self.visual = visual
        self.bm25 = bm25
        self.semantic = semantic
        self.concepts = concepts
        self.items = items
    }

    /// The candidates of `source`.
    public subscript(source: RankingSource) -> [Candidate]? {
        switch source {
        case .visual: visual
        case .bm25: bm25
        case .semantic: semantic
        case .concepts: concepts
        }
    }
}
