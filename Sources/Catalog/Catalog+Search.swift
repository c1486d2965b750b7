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
            let pruned = try Self.withoutUbiquitousWords(query, db)
            var values = values
            values[4] = .text(pruned.expression ?? expression)
            var hits: [LexicalHit] = []
            // bm25() is "lower is better" (negative); flip it so higher means more relevant.
            try db.query(sql, values) { hits.append(LexicalHit(key: $0.int64(0), score: -$0.double(1))) }
            return hits
        }
    }

    /// Words in more than this fraction of items (and in more than ``commonWordMinimumItems``) are
    /// treated as stop words when the query has rarer terms (see `withoutUbiquitousWords`).
    public static let commonWordFraction = 0.1
    public static let commonWordMinimumItems = 1000

    /// `query` without plain words that are too common to rank anything, unless nothing would remain:
    ///
    /// - words in more than half of all items: FTS5's BM25 gives them an IDF of ~1e-6 (its
    ///   `log((N − n + 0.5)/(n + 0.5))` is ≤ 0 and clamped), so they add nothing to any score, yet with OR
    ///   semantics FTS5 scores every item containing them ("film"). Dropping them leaves the ranking of
    ///   items matching another term unchanged.
    /// - in large catalogs, words in more than ``commonWordFraction`` of the items (and more than
    ///   ``commonWordMinimumItems``): stop words learned from the corpus ("the", "united", "drama"). Their
    ///   IDF is small (≤ log 9 against ~7–11 for a rare word) and their posting lists are what makes a
    ///   query slow (a 100k-item catalog: p99 ~100 ms CPU with them); the semantic side still sees them.
    /// - a query of common words only keeps them all but requires every one (AND).
    static func withoutUbiquitousWords(_ query: FTSQuery, _ db: SQLiteConnection) throws -> FTSQuery {
        guard query.terms.count > 1 else { return query }
        // max(key) is an upper bound of the item count, found in O(log n): deletions only make the
        // pruning more conservative.
        guard let bound = try db.scalarInt("SELECT max(key) FROM items"), bound > 0 else { return query }
        var kept: [FTSQuery.Term] = []
        for term in query.terms {
            if case .word(let word) = term,
               let documents = try db.scalarInt("SELECT doc FROM items_fts_terms WHERE term = ?", [.text(FTSQuery.folded(word))]),
               documents * 2 > bound
                || (Double(documents) > commonWordFraction * Double(bound) && documents > commonWordMinimumItems) {
                continue
            }
            kept.append(term)
        }
        // Only common words: all of them must match (scoring every item that has any one of them is
        // what makes such queries slow, and with OR their ranking is close to arbitrary anyway).
        return kept.isEmpty ? FTSQuery(terms: query.terms, requiresAllTerms: true) : FTSQuery(terms: kept)
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
