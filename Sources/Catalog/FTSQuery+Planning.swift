/// Query planning by document frequency: keeps the number of rows FTS5 must score with `bm25()` small.
///
/// FTS5 has no top-k early termination (no WAND/max-score): `ORDER BY bm25(…) LIMIT k` scores every
/// matching row, ~0.8 µs each, so one corpus-common word ("john", "drama") in an OR query makes FTS5
/// score tens of thousands of rows (a 100k-item catalog: up to 90 ms). The plan, from each word's
/// document frequency (`df`) in a catalog of about `itemCount` items:
///
/// 1. words in more than half of the items are dropped (FTS5's BM25 IDF for them is ~1e-6: ranking
///    unchanged); a query of several distinct words that are all that common, each in more items than
///    the scoring budget, has no lexical plan at all (nil: BM25 cannot rank by them, and matching them
///    read 80k-row posting lists for ~10 ms; the semantic side still answers). Words in more than ``Catalog/commonWordFraction`` of the items (and more
///    than ``Catalog/commonWordMinimumItems``) are corpus stop words, dropped when rarer terms exist.
///    A query of such words only keeps them all but requires every one (AND).
/// 2. of the rest, *selective* terms find the candidates: the rarest words whose document counts total
///    at most `scoringBudget`, and every prefix or phrase term (whose df is not looked up); the other,
///    *broad* words only re-score them: `S1 OR S2 OR ((B1 OR B2) AND (S1 OR S2))`. The selective phrases appear twice in
///    the expression, so BM25 counts them twice: broad words weigh half as much as they would in a
///    plain OR (their IDF is small anyway; they break ties between candidates of the rare words).
/// 3. with broad words only, they are matched in the high-weight columns only
///    (`{title tags auto_tags}`): BM25's best rows for a common word are the ones with it in a title or
///    tag; a description-only match of a common word ranks low and is left to the semantic side.
extension FTSQuery {
    /// Columns searched for a query made only of broad words (see the type's planning notes).
    public static let broadQueryColumns = "{title tags auto_tags}"

    /// The expression of ``plannedMatch(documentFrequency:itemCount:scoringBudget:)``.
    public func plannedExpression(documentFrequency: [String: Int], itemCount: Int, scoringBudget: Int) -> String? {
        plannedMatch(documentFrequency: documentFrequency, itemCount: itemCount, scoringBudget: scoringBudget)?.expression
    }

    /// A planned FTS5 `MATCH` expression and its phrases in the order FTS5 numbers them (left to right;
    /// a term written twice is two phrases), which is the order ``Catalog`` passes their IDFs in.
    public struct PlannedMatch: Sendable, Equatable {
        public var expression: String
        public var phrases: [Term]
    }

    /// The FTS5 `MATCH` expression planned from the words' document frequencies (keyed by
    /// ``Term/statisticsKey``; missing words count as 0), or nil when the query has no term or only words in
    /// more than half of the items (see the type's notes). Pure: the catalog looks up `documentFrequency`.
    public func plannedMatch(documentFrequency: [String: Int], itemCount: Int, scoringBudget: Int) -> PlannedMatch? {
        guard !terms.isEmpty else { return nil }
        func df(_ term: Term) -> Int? {
            if case .word = term { return documentFrequency[term.statisticsKey] ?? 0 }
            return nil
        }
        var kept: [Term] = []
        if terms.count > 1 && itemCount > 0 {
            for term in terms {
                if let documents = df(term),
                   documents * 2 > itemCount
                    || (Double(documents) > Catalog.commonWordFraction * Double(itemCount)
                        && documents > Catalog.commonWordMinimumItems) {
                    continue
                }
                kept.append(term)
            }
        } else {
            kept = terms
        }
        // Several distinct words, each in most items and none within the budget: no plan (see above).
        let counts = terms.compactMap(df)
        if kept.isEmpty, counts.count == terms.count, Set(terms.compactMap { term -> String? in
            if case .word(let w) = term { return Self.folded(w) } else { return nil }
        }).count > 1, counts.allSatisfy({ $0 * 2 > itemCount && $0 > scoringBudget }) {
            return nil
        }
        let requiresAll = requiresAllTerms || kept.isEmpty
        if kept.isEmpty { kept = terms }
        // Rarest first, terms join the selective set while their posting lists total at most the budget
        // (the rarest always joins unless it alone exceeds the budget); the others are broad.
        var isSelective = Set<Int>()
        var postings = 0
        for index in kept.indices.sorted(by: { (df(kept[$0]) ?? 0, $0) < (df(kept[$1]) ?? 0, $1) }) {
            postings += df(kept[index]) ?? 0
            if postings > scoringBudget { break }
            isSelective.insert(index)
        }
        let selective = kept.indices.filter(isSelective.contains).map { kept[$0] }
        let broad = kept.indices.filter { !isSelective.contains($0) }.map { kept[$0] }
        func expression(_ terms: [Term]) -> String { FTSQuery(terms: terms, requiresAllTerms: requiresAll).expression! }
        if broad.isEmpty { return PlannedMatch(expression: expression(kept), phrases: kept) }
        if selective.isEmpty {
            return PlannedMatch(expression: "\(Self.broadQueryColumns) : (\(expression(broad)))", phrases: broad)
        }
        if requiresAll {
            // Every term must match anyway: the AND is already driven by the rarest posting list.
            return PlannedMatch(expression: expression(kept), phrases: kept)
        }
        return PlannedMatch(expression: "\(expression(selective)) OR ((\(expression(broad))) AND (\(expression(selective))))",
                            phrases: selective + broad + selective)
    }
}
