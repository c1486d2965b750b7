import Catalog

extension QueryEngine {
    /// Retrieval per source over this snapshot, the query's filter applied inside each: **visual** (the
    /// query vectors → IVF, frames folded into videos with their moments), and with text **bm25** (FTS5)
    /// and **semantic** (the text's MiniLM embedding → text vectors) and **concepts** (the same embedding →
    /// the items' concept vectors, when the version has them), each `textDepth` deep. `excluded` —
    /// an item query's own item — is never among them. The one retrieval of both ``page(for:)`` (one
    /// machine) and ``candidates(for:)`` (a shard replica). BM25 scores with `lexicalStatistics` (a cluster's
    /// summed figures, so a shard scores as one machine of all the items would), or the catalog's own when nil.
    func retrieve(vectors: [[Float]], text: String?, textEmbedding: [Float]?, excluded: ItemKey?,
                  allowed: Set<ItemKey>?, options: QueryOptions, textDepth: Int,
                  lexicalStatistics: LexicalStatistics? = nil) throws -> RankedLists<ItemKey> {
        var lists = RankedLists<ItemKey>()
        if !vectors.isEmpty {
            let hits = try visualSearch(vectors, allowed: allowed, excluding: excluded, options: options)
            lists.set(.visual, hits.map { ($0.item, Double($0.score)) })
            lists.moments = Dictionary(hits.map { ($0.item, $0.moments) }, uniquingKeysWith: { a, _ in a })
        }
        if let text {
            let lexical = try catalog.lexicalSearch(text, filter: options.filter, limit: textDepth, weights: options.lexicalWeights,
                                                  statistics: lexicalStatistics)
            lists.set(.bm25, lexical.filter { $0.key != excluded }.map { ($0.key, $0.score) })
            let embedding = try textEmbedding ?? models.embed(text: text)
            let semantic = try snapshot.text.semanticSearch(embedding, k: textDepth, allowed: allowed)
            lists.set(.semantic, semantic.filter { $0.key != excluded }.map { ($0.key, Double($0.score)) })
            let concepts = conceptSearch(embedding, depth: textDepth, allowed: allowed, excluding: excluded, fusion: options.fusion)
            if !concepts.isEmpty { lists.set(.concepts, concepts) }
        }
        try orderTiesByID(&lists)
        return lists
    }

    /// Orders the items of equal score within each source's list by item id. A cluster router merges the
    /// shards' lists by score and then id (it cannot know one catalog's keys), so one machine breaks ties the
    /// same way: equal scores — the same text on several items, the same image twice — rank alike on one
    /// machine and through the cluster. Only tied items' ids are looked up (ties are rare outside
    /// duplicated metadata).
    func orderTiesByID(_ lists: inout RankedLists<ItemKey>) throws {
        var runs: [RankingSource: [Range<Int>]] = [:]
        var tied: [ItemKey] = []
        for (source, ranking) in lists.rankings {
            let scores = lists.scores[source] ?? [:]
            var start = 0
            while start < ranking.count {
                var end = start + 1
                while end < ranking.count, scores[ranking[end]] == scores[ranking[start]] { end += 1 }
                if end - start > 1 {
                    runs[source, default: []].append(start..<end)
                    tied += ranking[start..<end]
                }
                start = end
            }
        }
        guard !tied.isEmpty else { return }
        let ids = try catalog.ids(keys: Array(Set(tied)))
        for (source, sourceRuns) in runs {
            guard var ranking = lists.rankings[source] else { continue }
            for run in sourceRuns { ranking[run].sort { (ids[$0] ?? "", $0) < (ids[$1] ?? "", $1) } }
            lists.rankings[source] = ranking
        }
    }
}
