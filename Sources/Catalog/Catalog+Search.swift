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

    /// `scoringBudget`: see ``scoringBudget`` (a parameter so tests can exercise the plan on small catalogs).
    public func lexicalSearch(_ query: FTSQuery, filter: CatalogFilter = CatalogFilter(), limit: Int = 100,
                              weights: LexicalWeights = LexicalWeights(),
                              scoringBudget: Int = Catalog.scoringBudget) throws -> [LexicalHit] {
        guard let expression = query.expression, limit > 0 else { return [] }
        let (clause, filterValues) = try filter.sql()
        // Without a filter there is no join: looking every matching row up in `items` cost twice as
        // much as scoring it (a 100k catalog: 2,430 rows in 7.3 ms joined, 2.4 ms not).
        let sql = filter.isEmpty ? """
            SELECT rowid, bm25(items_fts, ?, ?, ?, ?) AS score
            FROM items_fts
            WHERE items_fts MATCH ? AND \(clause)
            ORDER BY score, rowid LIMIT ?
            """ : """
            SELECT items_fts.rowid, bm25(items_fts, ?, ?, ?, ?) AS score
            FROM items_fts JOIN items ON items.key = items_fts.rowid
            WHERE items_fts MATCH ? AND \(clause)
            ORDER BY score, items_fts.rowid LIMIT ?
            """
        let values: [SQLiteValue] = [.real(weights.title), .real(weights.description), .real(weights.tags),
                                     .real(weights.autoTags), .text(expression)] + filterValues + [.int(limit)]
        return try withConnection { db in
            var values = values
            // No plan: every word is in most items, so BM25 has nothing to rank by.
            guard let planned = try plannedExpression(query, scoringBudget: scoringBudget, db) else { return [] }
            values[4] = .text(planned)
            var hits: [LexicalHit] = []
            // bm25() is "lower is better" (negative); flip it so higher means more relevant.
            try db.query(sql, values) { hits.append(LexicalHit(key: $0.int64(0), score: -$0.double(1))) }
            return hits
        }
    }

    /// Words in more than this fraction of items (and in more than ``commonWordMinimumItems``) are
    /// treated as stop words when the query has rarer terms (see ``FTSQuery/plannedExpression(documentFrequency:itemCount:scoringBudget:)``).
    public static let commonWordFraction = 0.1
    public static let commonWordMinimumItems = 1000
    /// Words in more items than this only re-score the candidates of rarer terms (see the planning
    /// notes on ``FTSQuery``): a bound on the rows FTS5 scores per query term (~0.8 µs each).
    public static let scoringBudget = 3000

    /// `query`'s MATCH expression planned from its words' document frequencies (cached; see
    /// ``FTSQuery/plannedExpression(documentFrequency:itemCount:scoringBudget:)``).
    func plannedExpression(_ query: FTSQuery, scoringBudget: Int, _ db: SQLiteConnection) throws -> String? {
        // max(key) is an upper bound of the item count, found in O(log n): deletions only make the
        // pruning more conservative.
        let bound = Int(try db.scalarInt("SELECT max(key) FROM items") ?? 0)
        // The database's change stamp, read once per query: `PRAGMA data_version` moves on commits of
        // other connections, `total_changes()` on this connection's writes.
        let version = (try db.scalarInt("PRAGMA data_version") ?? 0, try db.scalarInt("SELECT total_changes()") ?? 0)
        var frequencies: [String: Int] = [:]
        for case .word(let word) in query.terms {
            let term = FTSQuery.folded(word)
            frequencies[term] = try documentFrequency(of: term, version: version, db)
        }
        return query.plannedExpression(documentFrequency: frequencies, itemCount: bound, scoringBudget: scoringBudget)
    }

    /// How many items contain `term` (folded). fts5vocab counts it by reading the term's whole posting
    /// list (~3 ms for a word in most items of a 100k catalog), so counts are cached until the
    /// database's change stamp `version` moves.
    private func documentFrequency(of term: String, version: (Int64, Int64), _ db: SQLiteConnection) throws -> Int {
        if let cached = documentFrequencies.withLock({ cache -> Int? in
            if cache.version != version { cache = DocumentFrequencyCache(version: version) }
            return cache.counts[term]
        }) {
            return cached
        }
        let count = Int(try db.scalarInt("SELECT doc FROM items_fts_terms WHERE term = ?", [.text(term)]) ?? 0)
        documentFrequencies.withLock { cache in
            if cache.counts.count >= DocumentFrequencyCache.capacity { cache.counts.removeAll(keepingCapacity: true) }
            cache.counts[term] = count
        }
        return count
    }

    /// Keys of all items that pass `filter` (for restricting vector search), or nil when the filter is empty.
    public func keys(matching filter: CatalogFilter) throws -> Set<ItemKey>? {
        guard !filter.isEmpty else { return nil }
        let (clause, values) = try filter.sql()
        return try withConnection { db in
            var keys = Set<ItemKey>()
            try db.query("SELECT key FROM items WHERE \(clause)", values) { keys.insert($0.int64(0)) }
            return keys
        }
    }
}

/// Codable so a query's BM25 field weights can travel to a shard replica.
extension LexicalWeights: Codable {}
