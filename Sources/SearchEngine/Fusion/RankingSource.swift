/// Where a ranking came from (shown per result as `"sources"` in the CLI and HTTP JSON).
public enum RankingSource: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Image-embedding similarity (the query image, or frames of videos).
    case visual
    /// FTS5 BM25 over title, description, tags and auto-tags.
    case bm25
    /// Sentence-embedding similarity of the query text to item texts.
    case semantic
    /// Text-query similarity to the items' concept vectors (ConSE: the CNN's classes in MiniLM space;
    /// reaches photos nobody captioned).
    case concepts

    public static func < (a: RankingSource, b: RankingSource) -> Bool { a.rawValue < b.rawValue }
}
