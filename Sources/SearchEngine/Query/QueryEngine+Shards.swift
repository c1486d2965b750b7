import Catalog

/// The query engine in two steps, for the cluster (a shard replica answers step 1, the router runs step 2
/// over every shard's answer; see ARCHITECTURE.md, *Cluster*).
extension QueryEngine {
    /// Throws `.missingQuery` unless `request` has an image, an item or text.
    public static func validate(_ request: SearchRequest) throws {
        guard request.image != nil || request.item != nil || request.effectiveText != nil else {
            throw SearchEngineError(.missingQuery, "query", "give an image, an item id or text")
        }
        if request.box != nil, request.image == nil {
            throw SearchEngineError(.invalidQuery, "box", "applies only with a query image")
        }
    }

    /// `request` resolved with this engine's models and index: the image embedded, the item's stored
    /// vectors looked up (the item itself excluded), the text embedded when a text model is loaded.
    public func shardQuery(for request: SearchRequest) throws -> ShardQuery {
        var vectors: [[Float]] = []
        if let image = request.image { vectors.append(try models.embed(image, box: request.box)) }
        if let item = request.item { vectors += try itemVectors(item).vectors }
        let text = request.effectiveText
        return ShardQuery(vectors: vectors, excludedID: request.item?.id, text: text,
                          textEmbedding: try text.map { try models.embed(text: $0) }, options: request.options)
    }

    /// The stored visual vectors an item query searches with (see ``QueryEngine/maximumItemQueryFrames``);
    /// throws `.itemNotFound` when this index has no such item.
    public func storedQueryVectors(for item: ItemQuery) throws -> [[Float]] {
        try itemVectors(item).vectors
    }

    /// Step 1: each source's candidates over this snapshot (``retrieve(vectors:text:textEmbedding:excluded:allowed:options:textDepth:)``,
    /// as one machine retrieves), with the catalog row of every candidate item.
    public func candidates(for query: ShardQuery) throws -> ShardCandidates {
        let options = query.options
        guard options.k > 0 else { return ShardCandidates() }
        let excluded = try query.excludedID.flatMap { try catalog.key(id: $0) }
        var allowed = try catalog.keys(matching: options.filter)
        if let excluded, allowed != nil { allowed!.remove(excluded) }
        let lists = try retrieve(vectors: query.vectors, text: query.text, textEmbedding: query.textEmbedding, excluded: excluded,
                                 allowed: allowed, options: options, textDepth: max(options.k, options.candidatesPerSource))
        let items = try catalog.items(keys: Array(Set(lists.rankings.values.joined())))
        var answer = ShardCandidates(items: Dictionary(items.values.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
        for (source, ranking) in lists.rankings {
            answer[source] = ranking.compactMap { key in
                items[key].map { ShardCandidates.Candidate(id: $0.id, score: lists.scores[source]?[key] ?? 0, moments: lists.moments[key] ?? []) }
            }
        }
        return answer
    }

    /// Step 2 (pure): the hits of one query from the candidates of every shard that answered.
    ///
    /// Per source, the shards' lists are merged by score (higher first; equal scores by id, so the order
    /// never depends on which shard answered first) and cut to the depth one machine would have fetched
    /// (`k` visual items, `max(k, candidatesPerSource)` per text source); the merged lists go through the
    /// same cutoff, fusion and hit building as on one machine (``RankedLists``), cut to `k`.
    public static func assemble(_ parts: [ShardCandidates], options: QueryOptions, hasText: Bool) -> [SearchHit] {
        guard options.k > 0 else { return [] }
        var items: [String: CatalogItem] = [:]
        for part in parts { items.merge(part.items, uniquingKeysWith: { a, _ in a }) }
        let textDepth = max(options.k, options.candidatesPerSource)
        var lists = RankedLists<String>()
        for source in RankingSource.allCases {
            let shardLists = parts.compactMap { $0[source] }
            guard !shardLists.isEmpty else { continue }
            let merged = shardLists.joined().sorted { a, b in a.score != b.score ? a.score > b.score : a.id < b.id }
                .prefix(source == .visual ? options.k : textDepth)
            lists.set(source, merged.map { ($0.id, $0.score) })
            if source == .visual { lists.moments = Dictionary(merged.map { ($0.id, $0.moments) }, uniquingKeysWith: { a, _ in a }) }
        }
        var results: [SearchHit] = []
        for entry in lists.fused(options: options) {
            guard results.count < options.k else { break }
            guard let item = items[entry.key] else { continue }
            results.append(lists.hit(rank: results.count + 1, entry: entry, item: item, hasText: hasText))
        }
        return results
    }
}
