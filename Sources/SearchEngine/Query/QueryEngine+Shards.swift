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

    /// Step 0 of a text query: this shard's BM25 figures for `text`'s terms. The router sums every shard's
    /// (``LexicalStatistics/summing(_:)``) and sends the sum in the ``ShardQuery``, so BM25 scores do not
    /// depend on which shard holds an item (ARCHITECTURE.md, *Cluster*).
    public func lexicalStatistics(for text: String) throws -> LexicalStatistics {
        try catalog.lexicalStatistics(for: FTSQuery(text))
    }

    /// Step 1: each source's candidates over this snapshot (``retrieve(vectors:text:textEmbedding:excluded:allowed:options:textDepth:lexicalStatistics:)``,
    /// as deep as one machine retrieves for ``page(for:)``), with the catalog row of every candidate in the
    /// first `k` of a source (the router fetches the rare other row a fused page needs: ``itemRows(ids:)``).
    public func candidates(for query: ShardQuery) throws -> ShardCandidates {
        let options = query.options
        guard options.k > 0 else { return ShardCandidates() }
        let excluded = try query.excludedID.flatMap { try catalog.key(id: $0) }
        var allowed = try catalog.keys(matching: options.filter)
        if let excluded, allowed != nil { allowed!.remove(excluded) }
        let lists = try retrieve(vectors: query.vectors, text: query.text, textEmbedding: query.textEmbedding, excluded: excluded,
                                 allowed: allowed, options: options, textDepth: Self.textDepth(options),
                                 lexicalStatistics: query.lexicalStatistics)
        // Deep lists travel as ids and scores; rows only where a page is likely to need them.
        let rowKeys = Set(lists.rankings.values.flatMap { $0.prefix(options.k) })
        let keysToIDs = try catalog.ids(keys: Array(Set(lists.rankings.values.joined())))
        let rows = try catalog.items(keys: Array(rowKeys))
        var answer = ShardCandidates(items: Dictionary(rows.values.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
        answer.indexStamp = try ResultPaging.indexStamp(snapshot)
        for (source, ranking) in lists.rankings {
            answer[source] = ranking.compactMap { key in
                keysToIDs[key].map { ShardCandidates.Candidate(id: $0, score: lists.scores[source]?[key] ?? 0, moments: lists.moments[key] ?? []) }
            }
        }
        return answer
    }

    /// The visual vectors that represent `ids` in near-duplicate collapse (an image's vector, a video's first
    /// frame's; ``NearDuplicateCollapse``), for the router's `collapse`; ids without one are left out.
    public func collapseVectors(ids: [String]) throws -> [String: [Float]] {
        guard let visual = snapshot.visual else { return [:] }
        var keys: [ItemKey: String] = [:]
        for id in ids { if let key = try catalog.key(id: id) { keys[key] = id } }
        let vectors = try NearDuplicateCollapse.vectors(of: Array(keys.keys), in: visual)
        return Dictionary(vectors.compactMap { key, vector in keys[key].map { ($0, vector) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The catalog rows of `ids` this shard holds (an unknown id is left out).
    public func itemRows(ids: [String]) throws -> [CatalogItem] {
        try ids.compactMap { try catalog.item(id: $0) }
    }

    /// How deep each text source ranks: as deep as the visual side (``QueryOptions/maximumResults``), so that
    /// fusion and paging see one ranking depth.
    static func textDepth(_ options: QueryOptions) -> Int {
        max(options.k, options.candidatesPerSource, options.maximumResults)
    }

    /// Step 2 (pure): the hits of one query from the candidates of every shard that answered
    /// (``merge(_:options:hasText:offset:)``, then ``MergedCandidates/hits()``) — when every row it needs was sent.
    public static func assemble(_ parts: [ShardCandidates], options: QueryOptions, hasText: Bool) -> [SearchHit] {
        merge(parts, options: options, hasText: hasText).hits()
    }

    /// Step 2a (pure): every shard's lists merged and fused.
    ///
    /// Per source, the shards' lists are merged by score (higher first; equal scores by id, so the order
    /// never depends on which shard answered first) and cut to the depth one machine ranks to
    /// (``QueryOptions/maximumResults`` visual items, ``textDepth(_:)`` per text source); the merged lists
    /// go through the same cutoff and fusion as on one machine (``RankedLists``), and the page is the fused
    /// ranking's `[offset, offset + k)` (``ResultPaging``), as ``page(for:)`` cuts it.
    public static func merge(_ parts: [ShardCandidates], options: QueryOptions, hasText: Bool, offset: Int = 0) -> MergedCandidates {
        var merged = MergedCandidates(k: options.k, offset: offset, hasText: hasText)
        guard options.k > 0 else { return merged }
        for part in parts { merged.items.merge(part.items, uniquingKeysWith: { a, _ in a }) }
        for source in RankingSource.allCases {
            let shardLists = parts.compactMap { $0[source] }
            guard !shardLists.isEmpty else { continue }
            let depth = source == .visual ? max(options.k, options.maximumResults) : textDepth(options)
            let list = shardLists.joined().sorted { a, b in a.score != b.score ? a.score > b.score : a.id < b.id }.prefix(depth)
            merged.lists.set(source, list.map { ($0.id, $0.score) })
            if source == .visual { merged.lists.moments = Dictionary(list.map { ($0.id, $0.moments) }, uniquingKeysWith: { a, _ in a }) }
        }
        merged.fused = Array(merged.lists.fused(options: options).prefix(max(options.k, options.maximumResults)))
        return merged
    }
}

/// Every shard's candidates merged and fused (``QueryEngine/merge(_:options:hasText:offset:)``): the router fetches
/// the rows of ``missingItemIDs`` from their shards into ``items``, then builds the page with ``hits()``.
public struct MergedCandidates: Sendable {
    let k: Int
    let offset: Int
    let hasText: Bool
    var lists = RankedLists<String>()
    var fused: [ReciprocalRankFusion.Result<String>] = []
    /// Catalog rows by id: those the shards sent, and those fetched since.
    public var items: [String: CatalogItem] = [:]

    init(k: Int, offset: Int, hasText: Bool) {
        self.k = k
        self.offset = offset
        self.hasText = hasText
    }

    /// Near-duplicate groups of the fused ranking once ``collapse(vectors:)`` ran (then pages are cut from the
    /// kept results), and whether kept results follow the page.
    var collapsed: (groups: [NearDuplicateCollapse.Group<String>], more: Bool)?

    /// Every fused result's id, best first (what ``collapse(vectors:)`` needs vectors for).
    public var fusedIDs: [String] { fused.map(\.key) }

    /// Folds near-duplicates as one machine does (``NearDuplicateCollapse``, greedy over the whole fused
    /// ranking) with the collapse vectors of ``fusedIDs`` (``QueryEngine/collapseVectors(ids:)`` of each shard).
    public mutating func collapse(vectors: [String: [Float]]) {
        collapsed = NearDuplicateCollapse().collapse(fusedIDs, vectors: vectors, keep: offset + k)
    }

    /// The page's kept results with what was folded into each: `[offset, offset + k)` of the fused ranking,
    /// or of its kept results after ``collapse(vectors:)``.
    var page: [NearDuplicateCollapse.Group<String>] {
        if let collapsed { return Array(collapsed.groups.dropFirst(offset)) }
        return fused.dropFirst(offset).prefix(k).map { NearDuplicateCollapse.Group(key: $0.key, duplicates: []) }
    }

    /// Ids of the page's results whose rows no shard sent (each shard sends the rows of its lists' first
    /// `k`; a result can rank high in the fusion without being that high in any one list, and a later page
    /// lies deeper).
    public var missingItemIDs: [String] {
        page.map(\.key).filter { items[$0] == nil }
    }

    /// Whether the fused ranking goes on after this page (then the response carries a `next_cursor`).
    public var hasMore: Bool { collapsed?.more ?? (fused.count > offset + k) }

    /// The page's hits as one machine builds them: a result without a row (removed since retrieval) is
    /// passed over, ranks count from `offset + 1`, and after ``collapse(vectors:)`` each lists its duplicates.
    public func hits() -> [SearchHit] {
        let fusedByID = Dictionary(fused.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var results: [SearchHit] = []
        for group in page {
            guard let entry = fusedByID[group.key], let item = items[entry.key] else { continue }
            let duplicates = collapsed == nil ? nil : group.duplicates.map { duplicate in
                DuplicateHit(id: duplicate.key, score: lists.score(of: duplicate.key, fused: fusedByID[duplicate.key]?.score, hasText: hasText),
                             similarity: Double(duplicate.similarity))
            }
            results.append(lists.hit(rank: offset + results.count + 1, entry: entry, item: item, hasText: hasText, duplicates: duplicates))
        }
        return results
    }
}
