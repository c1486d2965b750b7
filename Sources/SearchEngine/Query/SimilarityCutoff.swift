import Catalog

/// The relevance cutoff of a query (`min_similarity`, `--min-similarity`): before fusion, every item
/// whose similarity scores — the visual, semantic and concept cosines, those it has — are all below
/// the cutoff is dropped from every ranking (BM25 included), and the remaining rankings are fused.
///
/// BM25 relevance is not a similarity and has no common scale, so it never keeps an item: an item
/// found by BM25 and by the semantic search with a cosine below the cutoff is dropped. An item with no
/// similarity at all (found by BM25 only, outside the semantic ranking's depth) is kept: nothing was
/// measured to judge it by.
public enum SimilarityCutoff {
    /// The sources whose scores are similarities (cosines in −1…1).
    public static let similaritySources: [RankingSource] = [.visual, .semantic, .concepts]

    /// Removes from `rankings` the items whose similarity scores are all below `minimum`.
    /// (`Key`: catalog keys on one machine, item ids in the router.)
    public static func apply<Key: Hashable>(_ minimum: Double, to rankings: inout [RankingSource: [Key]],
                                            scores: [RankingSource: [Key: Double]]) {
        var dropped = Set<Key>()
        var kept = Set<Key>()
        for source in similaritySources {
            for key in rankings[source] ?? [] {
                guard let score = scores[source]?[key] else { continue }
                if score >= minimum { kept.insert(key) } else { dropped.insert(key) }
            }
        }
        dropped.subtract(kept)
        guard !dropped.isEmpty else { return }
        for source in rankings.keys { rankings[source]!.removeAll { dropped.contains($0) } }
    }
}
