/// Per-field BM25 weights for lexical search (FTS5 `bm25()` column weights). Codable so a query's weights can
/// travel to a shard replica.
public struct LexicalWeights: Sendable, Equatable, Codable {
    public var title: Double
    public var description: Double
    public var tags: Double
    public var autoTags: Double

    public init(title: Double = 4, description: Double = 1, tags: Double = 2, autoTags: Double = 1.5) {
        self.title = title
        self.description = description
        self.tags = tags
        self.autoTags = autoTags
    }
}
