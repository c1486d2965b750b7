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

    /// Step 1: each source's candidates over this snapshot, with the fields of every candidate item.
    public func candidates(for query: ShardQuery) throws -> ShardCandidates {
        let options = query.options
        guard options.k > 0 else { return ShardCandidates() }
        let excluded = try query.excludedID.flatMap { try catalog.key(id: $0) }
        var allowed = try catalog.keys(matching: options.filter)
        if let excluded, allowed != nil { allowed!.remove(excluded) }

        var visual: [(key: ItemKey, score: Double, moments: [Moment])]?
        var lexical: [(key: ItemKey, score: Double)]?
        var semantic: [(key: ItemKey, score: Double)]?
        var concepts: [(key: ItemKey, score: Double)]?
        if !query.vectors.isEmpty {
            visual = try visualSearch(query.vectors, allowed: allowed, excluding: excluded, options: options)
                .map { ($0.item, Double($0.score), $0.moments) }
        }
        if let text = query.text {
            let depth = max(options.k, options.candidatesPerSource)
            lexical = try catalog.lexicalSearch(text, filter: options.filter, limit: depth, weights: options.lexicalWeights)
                .filter { $0.key != excluded }.map { ($0.key, $0.score) }
            let embedding = try query.textEmbedding ?? models.embed(text: text)
            semantic = try snapshot.text.semanticSearch(embedding, k: depth, allowed: allowed)
                .filter { $0.key != excluded }.map { ($0.key, Double($0.score)) }
            concepts = conceptSearch(embedding, depth: depth, allowed: allowed, excluding: excluded, fusion: options.fusion)
        }
        var keys = Set<ItemKey>()
        for list in [visual?.map(\.key), lexical?.map(\.key), semantic?.map(\.key), concepts?.map(\.key)] { keys.formUnion(list ?? []) }
        let items = try catalog.items(keys: Array(keys))
        func candidates(_ list: [(key: ItemKey, score: Double)]?) -> [ShardCandidates.Candidate]? {
            list?.compactMap { entry in items[entry.key].map { ShardCandidates.Candidate(id: $0.id, score: entry.score) } }
        }
        return ShardCandidates(
            visual: visual?.compactMap { entry in
                items[entry.key].map { ShardCandidates.Candidate(id: $0.id, score: entry.score, moments: entry.moments) }
            },
            bm25: candidates(lexical), semantic: candidates(semantic), concepts: candidates(concepts),
            items: Dictionary(items.values.map { ($0.id, ShardCandidates.Item($0)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Step 2 (pure): the hits of one query from the candidates of every shard that answered.
    ///
    /// Per source, the shards' lists are merged by score (higher first; equal scores by id, so the order
    /// never depends on which shard answered first) and cut to the depth one machine would have fetched
    /// (`k` visual items, `max(k, candidatesPerSource)` per text source); the merged lists are fused with
    /// `options.fusion`, cut to `k`, and each hit gets its item's fields. Visual-only queries keep the
    /// cosine similarity as the score (comparable across queries); any query with text scores by fusion.
    public static func assemble(_ parts: [ShardCandidates], options: QueryOptions, hasText: Bool) -> [SearchHit] {
        guard options.k > 0 else { return [] }
        var items: [String: ShardCandidates.Item] = [:]
        for part in parts { items.merge(part.items, uniquingKeysWith: { a, _ in a }) }
        let textDepth = max(options.k, options.candidatesPerSource)
        var rankings: [RankingSource: [String]] = [:]
        var scores: [RankingSource: [String: Double]] = [:]
        var moments: [String: [Moment]] = [:]
        for source in RankingSource.allCases {
            let lists = parts.compactMap { $0[source] }
            guard !lists.isEmpty else { continue }
            let merged = lists.joined().sorted { a, b in a.score != b.score ? a.score > b.score : a.id < b.id }
                .prefix(source == .visual ? options.k : textDepth)
            rankings[source] = merged.map(\.id)
            scores[source] = Dictionary(merged.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
            if source == .visual {
                moments = Dictionary(merged.map { ($0.id, $0.moments) }, uniquingKeysWith: { a, _ in a })
            }
        }

        // The relevance cutoff, as on one machine (``SimilarityCutoff``).
        if let minimum = options.minSimilarity { SimilarityCutoff.apply(minimum, to: &rankings, scores: scores) }

        var results: [SearchHit] = []
        for entry in options.fusion.fuse(rankings) {
            guard results.count < options.k else { break }
            guard let item = items[entry.key] else { continue }
            let itemMoments = item.kind == .video ? moments[entry.key] ?? [] : []
            let score = hasText ? entry.score : (scores[.visual]?[entry.key] ?? 0)
            var sourceScores: [String: Double] = [:]
            for source in entry.sourceRanks.keys { sourceScores[source.rawValue] = scores[source]?[entry.key] }
            let timestamp = itemMoments.first?.timestamp
            results.append(SearchHit(
                rank: results.count + 1, id: entry.key, kind: item.kind.rawValue, score: score, path: item.path,
                title: item.title, timestamp: timestamp, moments: itemMoments,
                sources: Dictionary(uniqueKeysWithValues: entry.sourceRanks.map { ($0.key.rawValue, $0.value) }),
                scores: sourceScores, tags: item.tags, duration: item.duration,
                thumbnail: SearchHit.thumbnailPath(id: entry.key, timestamp: timestamp)))
        }
        return results
    }
}
