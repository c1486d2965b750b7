import Catalog

/// Each source's ranking of one query, best first, with every item's own score in that source and a
/// video's moments — what retrieval produces and what the cutoff, fusion and the ``SearchHit``s are built
/// from. The one place results are fused and hits are made: one machine ranks catalog keys
/// (``QueryEngine/page(for:)``), the router ranks item ids merged from every shard
/// (``QueryEngine/assemble(_:options:hasText:)``).
struct RankedLists<Key: Hashable & Sendable> {
    var rankings: [RankingSource: [Key]] = [:]
    /// Each source's own score per item: visual cosine, BM25 relevance (higher is better), semantic cosine.
    var scores: [RankingSource: [Key: Double]] = [:]
    /// The best moments of videos found visually, best first.
    var moments: [Key: [Moment]] = [:]

    /// Sets `source`'s ranking (best first; a key's first entry counts).
    mutating func set(_ source: RankingSource, _ list: [(key: Key, score: Double)]) {
        rankings[source] = list.map(\.key)
        scores[source] = Dictionary(list.map { ($0.key, $0.score) }, uniquingKeysWith: { a, _ in a })
    }

    /// The relevance cutoff (``SimilarityCutoff``, when `options.minSimilarity` is set), then weighted
    /// reciprocal rank fusion of what remains.
    func fused(options: QueryOptions) -> [ReciprocalRankFusion.Result<Key>] {
        var rankings = rankings
        if let minimum = options.minSimilarity { SimilarityCutoff.apply(minimum, to: &rankings, scores: scores) }
        return options.fusion.fuse(rankings)
    }

    /// A result's score: with text, the fused score; visual-only queries keep the cosine similarity
    /// (comparable across queries).
    func score(of key: Key, fused: Double?, hasText: Bool) -> Double {
        hasText ? (fused ?? 0) : (scores[.visual]?[key] ?? 0)
    }

    /// The hit at 1-based `rank` for the fused `entry`, with `item`'s fields.
    func hit(rank: Int, entry: ReciprocalRankFusion.Result<Key>, item: CatalogItem, hasText: Bool,
             duplicates: [DuplicateHit]? = nil) -> SearchHit {
        let itemMoments = item.kind == .video ? moments[entry.key] ?? [] : []
        var sourceScores: [String: Double] = [:]
        for source in entry.sourceRanks.keys { sourceScores[source.rawValue] = scores[source]?[entry.key] }
        let timestamp = itemMoments.first?.timestamp
        return SearchHit(
            rank: rank, id: item.id, kind: item.kind.rawValue, score: score(of: entry.key, fused: entry.score, hasText: hasText),
            path: item.source, title: item.title, timestamp: timestamp, moments: itemMoments,
            sources: Dictionary(uniqueKeysWithValues: entry.sourceRanks.map { ($0.key.rawValue, $0.value) }),
            scores: sourceScores, tags: item.tags, duration: item.duration,
            thumbnail: SearchHit.thumbnailPath(id: item.id, timestamp: timestamp), duplicates: duplicates)
    }
}
