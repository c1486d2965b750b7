import Catalog

extension QueryEngine {
    /// The page of a fused ranking: near-duplicate collapse (when asked), the kept results
    /// `[offset, offset + k)`, their catalog rows, and the next page's cursor.
    ///
    /// - Parameters:
    ///   - fused: the fused ranking of `lists`, best first, at its fixed depth (``QueryOptions/maximumResults``).
    ///   - hasText: whether the query had text (then `score` is the fused RRF score).
    func assemblePage(fused: [ReciprocalRankFusion.Result<ItemKey>], lists: RankedLists<ItemKey>, hasText: Bool,
                      options: QueryOptions, paging: ResultPaging, offset: Int) throws -> ResultPage {
        let fusedByKey = Dictionary(fused.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })

        // Near-duplicate collapse (optional), then the page: kept results [offset, offset + k).
        var groups: [NearDuplicateCollapse.Group<ItemKey>]
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
            let duplicates = options.collapseNearDuplicates ? group.duplicates.compactMap { duplicate in
                items[duplicate.key].map {
                    DuplicateHit(id: $0.id, score: lists.score(of: duplicate.key, fused: fusedByKey[duplicate.key]?.score, hasText: hasText),
                                 similarity: Double(duplicate.similarity))
                }
            } : nil
            results.append(lists.hit(rank: offset + results.count + 1, entry: entry, item: item, hasText: hasText, duplicates: duplicates))
        }
        return ResultPage(hits: results, nextCursor: nextCursor)
    }
}
