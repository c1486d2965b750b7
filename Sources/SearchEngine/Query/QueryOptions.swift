import Catalog

/// The knobs of a query: how many results, which items may appear, how the sources are fused, and how
/// deep each retriever goes. Every value comes from the caller (the command line or the server's
/// configuration); nothing is read from process-wide state.
public struct QueryOptions: Sendable, Equatable {
    /// Results returned (the page size).
    public var k: Int
    /// Conditions every result meets (applied inside every retriever).
    public var filter: CatalogFilter
    /// RRF constant and per-source weights (`.visual`, `.bm25`, `.semantic`).
    public var fusion: ReciprocalRankFusion
    /// Vectors fetched from the visual index per wanted item: several frames of one video can match,
    /// so at least `k × overFetch` vectors (and at least ``maximumResults``) are fetched and folded into
    /// items (more while they fold into fewer than `k` items and the index holds more).
    public var overFetch: Int
    /// IVF lists probed per visual query vector; nil: the index's saved default (``SearchDefaults``,
    /// written by `vsearch eval --ann --save`), else ``QueryOptions/fallbackNprobe``.
    public var nprobe: Int?
    /// Candidates each text retriever (BM25, semantic) contributes before fusion (at least `k`).
    public var candidatesPerSource: Int
    /// Per-field BM25 weights.
    public var lexicalWeights: LexicalWeights
    /// Results whose visual and semantic similarities (cosines) are all below this are dropped before
    /// fusion (``SimilarityCutoff``); nil: no cutoff.
    public var minSimilarity: Double?
    /// Where the page starts: a `next_cursor` of an earlier page of the same query (``ResultPaging``);
    /// nil: the first page.
    public var cursor: String?
    /// Fold results whose visual vector is within ``NearDuplicateCollapse/defaultThreshold`` (cosine) of
    /// a better result into it (listed under its `duplicates`).
    public var collapseNearDuplicates: Bool
    /// The depth of every source's ranking and so the most results a query can page through
    /// (``ResultPaging/maximumTotal``). Fixed per query, so pages cut from the fused ranking are stable.
    public var maximumResults: Int

    public init(k: Int = 10, filter: CatalogFilter = CatalogFilter(), fusion: ReciprocalRankFusion = ReciprocalRankFusion(),
                overFetch: Int = 4, nprobe: Int? = nil, candidatesPerSource: Int = 100,
                lexicalWeights: LexicalWeights = LexicalWeights(), minSimilarity: Double? = nil, cursor: String? = nil,
                collapseNearDuplicates: Bool = false, maximumResults: Int = ResultPaging.maximumTotal) {
        self.k = k
        self.filter = filter
        self.fusion = fusion
        self.overFetch = overFetch
        self.nprobe = nprobe
        self.candidatesPerSource = candidatesPerSource
        self.lexicalWeights = lexicalWeights
        self.minSimilarity = minSimilarity
        self.cursor = cursor
        self.collapseNearDuplicates = collapseNearDuplicates
        self.maximumResults = maximumResults
    }

    /// nprobe when neither the query nor the index sets one.
    public static let fallbackNprobe = 32
}
