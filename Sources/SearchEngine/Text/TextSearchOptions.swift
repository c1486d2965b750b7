import Catalog

/// How a text query is run: result count, filters, fusion and per-source depth.
public struct TextSearchOptions: Sendable, Equatable {
    /// Results returned.
    public var k: Int
    /// Conditions every result meets (applied inside both retrievers).
    public var filter: CatalogFilter
    /// RRF constant and per-source weights (`.bm25`, `.semantic`).
    public var fusion: ReciprocalRankFusion
    /// How many candidates each retriever contributes before fusion (at least `k`).
    public var candidatesPerSource: Int
    public var lexicalWeights: LexicalWeights

    public init(k: Int = 10, filter: CatalogFilter = CatalogFilter(), fusion: ReciprocalRankFusion = ReciprocalRankFusion(),
                candidatesPerSource: Int = 100, lexicalWeights: LexicalWeights = LexicalWeights()) {
        self.k = k
        self.filter = filter
        self.fusion = fusion
        self.candidatesPerSource = candidatesPerSource
        self.lexicalWeights = lexicalWeights
    }
}

/// One search result, best first, with where it came from.
public struct SearchResult: Sendable {
    /// 1-based position in the answer.
    public var rank: Int
    public var key: ItemKey
    public var item: CatalogItem
    /// The fused (RRF) score.
    public var score: Double
    /// The 1-based rank the item had in each source that found it (explainability).
    public var sources: [RankingSource: Int]
    /// BM25 relevance (higher is better), if the lexical side found the item.
    public var lexicalScore: Double?
    /// Cosine similarity of query and item text, if the semantic side found the item.
    public var semanticScore: Float?
}
