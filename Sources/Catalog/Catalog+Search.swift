/// Per-field BM25 weights for lexical search (FTS5 `bm25()` column weights).
public struct LexicalWeights: Sendable, Equatable {
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

/// One lexical match: the item and its BM25 relevance (higher is better).
public struct LexicalHit: Sendable, Equatable {
    public var key: ItemKey
    public var score: Double
}

extension Catalog {
    /// BM25 search over title, description, tags and auto-tags with `filter` applied in the same query.
    ///
    /// `text` is user input, turned into a safe ``FTSQuery`` and bound as a parameter; it can never
    /// produce an FTS5 syntax error. Text without any word returns no hits.
    public func lexicalSearch(_ text: String, filter: CatalogFilter = CatalogFilter(), limit: Int = 100,
                              weights: LexicalWeights = LexicalWeights()) throws -> [LexicalHit] {
        try lexicalSearch(FTSQuery(text), filter: filter, limit: limit, weights: weights)
    }

    public func lexicalSearch(_ query: FTSQuery, filter: CatalogFilter = CatalogFilter(), limit: Int = 100,
                              weights: LexicalWeights = LexicalWeights()) throws -> [LexicalHit] {
        guard let expression = query.expression, limit > 0 else { return [] }
        let (clause, filterValues) = filter.sql()
        let sql = """
            SELECT items_fts.rowid, bm25(items_fts, ?, ?, ?, ?) AS score
            FROM items_fts JOIN items ON items.key = items_fts.rowid
            WHERE items_fts MATCH ? AND \(clause)
            ORDER BY score, items_fts.rowid LIMIT ?
            """
        let values: [SQLiteValue] = [.real(weights.title), .real(weights.description), .real(weights.tags),
                                     .real(weights.autoTags), .text(expression)] + filterValues + [.int(limit)]
        return try withConnection { db in
            var hits: [LexicalHit] = []
            // bm25() is "lower is better" (negative); flip it so higher means more relevant.
            try db.query(sql, values) { hits.append(LexicalHit(key: $0.int64(0), score: -$0.double(1))) }
            return hits
        }
    }

    /// Keys of all items that pass `filter` (for restricting vector search), or nil when the filter is empty.
    public func keys(matching filter: CatalogFilter) throws -> Set<ItemKey>? {
        guard !filter.isEmpty else { return nil }
        let (clause, values) = filter.sql()
        return try withConnection { db in
            var keys = Set<ItemKey>()
            try db.query("SELECT key FROM items WHERE \(clause)", values) { keys.insert($0.int64(0)) }
            return keys
        }
    }
}
