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
                              weights: LexicalWeights = LexicalWeights(), statistics: LexicalStatistics? = nil) throws -> [LexicalHit] {
        try lexicalSearch(FTSQuery(text), filter: filter, limit: limit, weights: weights, statistics: statistics)
    }

    /// BM25 search scored with `statistics` — the whole collection's figures when this catalog is one
    /// shard of it (``LexicalStatistics/summing(_:)``); nil: this catalog's own (``lexicalStatistics(for:)``).
    /// The query is planned (``FTSQuery/plannedMatch(documentFrequency:itemCount:scoringBudget:)``) from the
    /// same figures, so every shard runs the same expression. Scores are FTS5's `bm25()` formula with the
    /// IDFs and average row length taken from `statistics` (`vsearch_bm25`, fts5_functions.h): with this
    /// catalog's own figures they equal `bm25()`'s, except that a phrase restricted to the high-weight columns
    /// (a plan of broad words only) takes its IDF from its document count over all columns.
    ///
    /// `scoringBudget`: see ``scoringBudget`` (a parameter so tests can exercise the plan on small catalogs).
    public func lexicalSearch(_ query: FTSQuery, filter: CatalogFilter = CatalogFilter(), limit: Int = 100,
                              weights: LexicalWeights = LexicalWeights(), statistics: LexicalStatistics? = nil,
                              scoringBudget: Int = Catalog.scoringBudget) throws -> [LexicalHit] {
        guard query.expression != nil, limit > 0 else { return [] }
        let (clause, filterValues) = try filter.sql()
        // Without a filter there is no join: looking every matching row up in `items` cost twice as
        // much as scoring it (a 100k catalog: 2,430 rows in 7.3 ms joined, 2.4 ms not).
        let sql = filter.isEmpty ? """
            SELECT rowid, vsearch_bm25(items_fts, ?, ?, ?, ?, ?, ?) AS score
            FROM items_fts
            WHERE items_fts MATCH ? AND \(clause)
            ORDER BY score, rowid LIMIT ?
            """ : """
            SELECT items_fts.rowid, vsearch_bm25(items_fts, ?, ?, ?, ?, ?, ?) AS score
            FROM items_fts JOIN items ON items.key = items_fts.rowid
            WHERE items_fts MATCH ? AND \(clause)
            ORDER BY score, items_fts.rowid LIMIT ?
            """
        return try withConnection { db in
            let statistics = try statistics ?? self.statistics(of: query, db)
            // No plan: every word is in most items, so BM25 has nothing to rank by.
            guard let plan = query.plannedMatch(documentFrequency: statistics.documentFrequency,
                                                itemCount: statistics.rowCount, scoringBudget: scoringBudget) else { return [] }
            let idfs = plan.phrases.map(statistics.inverseDocumentFrequency(of:))
            let values: [SQLiteValue] = [.real(statistics.averageRowLength), .blob(idfs.withUnsafeBytes { Array($0) }),
                                         .real(weights.title), .real(weights.description), .real(weights.tags),
                                         .real(weights.autoTags), .text(plan.expression)] + filterValues + [.int(limit)]
            var hits: [LexicalHit] = []
            // The score is "lower is better" (negative), as bm25()'s; flip it so higher means more relevant.
            try db.query(sql, values) { hits.append(LexicalHit(key: $0.int64(0), score: -$0.double(1))) }
            return hits
        }
    }

    /// Words in more than this fraction of items (and in more than ``commonWordMinimumItems``) are
    /// treated as stop words when the query has rarer terms (see ``FTSQuery/plannedMatch(documentFrequency:itemCount:scoringBudget:)``).
    public static let commonWordFraction = 0.1
    public static let commonWordMinimumItems = 1000
    /// Words in more items than this only re-score the candidates of rarer terms (see the planning
    /// notes on ``FTSQuery``): a bound on the rows FTS5 scores per query term (~0.8 µs each).
    public static let scoringBudget = 3000

    /// This catalog's BM25 figures for `query`'s terms (rows, tokens, each term's document count): what a
    /// shard contributes to the collection's (``LexicalStatistics/summing(_:)``). Cached until the database changes.
    public func lexicalStatistics(for query: FTSQuery) throws -> LexicalStatistics {
        try withConnection { db in try statistics(of: query, db) }
    }

    func statistics(of query: FTSQuery, _ db: SQLiteConnection) throws -> LexicalStatistics {
        // The catalog's revision, read once per query: every write of the full-text index goes with a write of
        // `items`, which moves it, and unlike `PRAGMA data_version` it reads the same on every connection of
        // the reader pool (a per-connection stamp emptied the shared cache whenever the connection changed).
        let revision = try Self.revision(db)
        let cachedTotals = documentFrequencies.withLock { cache -> (rows: Int, tokens: Int)? in
            cache.keep(for: revision)
            return cache.totals
        }
        var totals = cachedTotals ?? (rows: 0, tokens: 0)
        if cachedTotals == nil {
            // FTS5 keeps N and the token total in one record; any row's auxiliary-function call reads it.
            try db.query("SELECT vsearch_fts_totals(items_fts) FROM items_fts LIMIT 1") { row in
                let parts = row.text(0).split(separator: " ").compactMap { Int($0) }
                if parts.count == 2 { totals = (parts[0], parts[1]) }
            }
            let read = totals
            documentFrequencies.withLock { $0.totals = read }
        }
        var frequencies: [String: Int] = [:]
        for term in query.terms {
            frequencies[term.statisticsKey] = try documentFrequency(of: term, revision: revision, db)
        }
        return LexicalStatistics(rowCount: totals.rows, tokenCount: totals.tokens, documentFrequency: frequencies)
    }

    /// In how many rows `term` occurs. A word's count comes from fts5vocab, which reads the term's whole
    /// posting list (~3 ms for a word in most items of a 100k catalog); a prefix's or phrase's from
    /// matching it (what `bm25()` itself did for every phrase of every query). Counts are cached until
    /// the catalog's `revision` moves.
    private func documentFrequency(of term: FTSQuery.Term, revision: Int64, _ db: SQLiteConnection) throws -> Int {
        let key = term.statisticsKey
        if let cached = documentFrequencies.withLock({ cache -> Int? in
            cache.keep(for: revision)
            return cache.counts[key]
        }) {
            return cached
        }
        let count: Int
        if case .word = term {
            count = Int(try db.scalarInt("SELECT doc FROM items_fts_terms WHERE term = ?", [.text(key)]) ?? 0)
        } else {
            count = Int(try db.scalarInt("SELECT count(*) FROM items_fts WHERE items_fts MATCH ?",
                                         [.text(FTSQuery(terms: [term]).expression!)]) ?? 0)
        }
        documentFrequencies.withLock { cache in
            if cache.counts.count >= DocumentFrequencyCache.capacity { cache.counts.removeAll(keepingCapacity: true) }
            cache.counts[key] = count
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
