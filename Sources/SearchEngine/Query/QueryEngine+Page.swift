import Catalog

extension QueryEngine {
    /// The page of a fused ranking: near-duplicate collapse (when asked), the kept results
    /// `[offset, offset + k)`, their catalog rows, and the next page's cursor.
    ///
    /// - Parameters:
    ///   - fused: the fused ranking, best first, at its fixed depth (``QueryOptions/maximumResults``).
    ///   - scores: each source's own score per item (shown in `scores`; the visual one is the result's
    ///     score when the query has no text).
    ///   - visualHits: the visual side's per-item hits (a video's moments).
    ///   - textQuery: whether the query had text (then `score` is the fused RRF score).
    func assemblePage(fused: [ReciprocalRankFusion.Result<ItemKey>], scores: [RankingSource: [ItemKey: Double]],
                      visualHits: [ItemKey: ItemHit], textQuery: Bool, options: QueryOptions, paging: ResultPaging,
                      offset: Int) throws -> ResultPage {
        let fusedByKey = Dictionary(fused.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        // Visual-only queries keep the cosine similarity as the score (comparable across queries).
        func score(_ key: ItemKey) -> Double {
            textQuery ? (fusedByKey[key]?.score ?? 0) : (scores[.visual]?[key] ?? 0)
        }

        // Near-duplicate collapse (optional), then the page: kept results [offset, offset + k).
        var groups: [NearDuplicateCollapse.Group]
        var more: Bool
        if options.collapseNearDuplicates, let visual = snapshot.visual {
            let keys = fused.map(\.key)
            (groups, more) = NearDuplicateCollapse().collapse(keys, vectors: try NearDuplicateCollapse.vectors(of: keys, in: visual),
                                                              keep: offset + options.k)
        } else {
            groups = fused.prefix(offset + options.k).map { NearDuplicateCollapse.Group(key: $0.key, duplicates: []) }
            more = fused.count > offset + options.k
        }
        let page = Array(groups.dropFirst(offset))
        let nextCursor = more ? paging.cursor(offset: offset + options.k) : nil

        let items = try catalog.items(keys: page.flatMap { [$0.key] + $0.duplicates.map(\.key) })
        var results: [SearchHit] = []
        for group in page {
            guard let entry = fusedByKey[group.key], let item = items[entry.key] else { continue }  // removed since retrieval
            let moments = item.kind == .video ? visualHits[entry.key]?.moments ?? [] : []
            var sourceScores: [String: Double] = [:]
            for source in entry.sourceRanks.keys { sourceScores[source.rawValue] = scores[source]?[entry.key] }
            let timestamp = moments.first?.timestamp
            let duplicates = options.collapseNearDuplicates ? group.duplicates.compactMap { duplicate in
                items[duplicate.key].map { DuplicateHit(id: $0.id, score: score(duplicate.key), similarity: Double(duplicate.similarity)) }
            } : nil
            results.append(SearchHit(
                rank: offset + results.count + 1, id: item.id, kind: item.kind.rawValue, score: score(entry.key), path: item.source,
                title: item.title, timestamp: timestamp, moments: moments,
                sources: Dictionary(uniqueKeysWithValues: entry.sourceRanks.map { ($0.key.rawValue, $0.value) }),
                scores: sourceScores, tags: item.tags, duration: item.duration,
                thumbnail: SearchHit.thumbnailPath(id: item.id, timestamp: timestamp), duplicates: duplicates))
        }
        return ResultPage(hits: results, nextCursor: nextCursor)
    }
}
