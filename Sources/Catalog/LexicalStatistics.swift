import Foundation

/// The collection figures BM25 scores with: how many rows the full-text index holds, how many tokens
/// they hold together (all columns), and in how many rows each query term occurs.
///
/// One catalog reads its own (``Catalog/lexicalStatistics(for:)``). A sharded collection sums every
/// shard's (``summing(_:)``) and passes the sum to each shard's ``Catalog/lexicalSearch(_:filter:limit:weights:statistics:scoringBudget:)``,
/// so every shard plans the same MATCH expression and scores with the same IDFs and average row length:
/// the scores are those one catalog of all the items would give (Elasticsearch's DFS query-then-fetch).
public struct LexicalStatistics: Codable, Sendable, Equatable {
    /// Rows of the full-text index (FTS5's N).
    public var rowCount: Int
    /// Tokens of all rows, all columns (N × FTS5's average row length).
    public var tokenCount: Int
    /// Rows containing each term, keyed by ``FTSQuery/Term/statisticsKey`` (a missing term occurs nowhere).
    public var documentFrequency: [String: Int]

    public init(rowCount: Int = 0, tokenCount: Int = 0, documentFrequency: [String: Int] = [:]) {
        self.rowCount = rowCount
        self.tokenCount = tokenCount
        self.documentFrequency = documentFrequency
    }

    /// The figures of the union of disjoint catalogs (every item in exactly one of them).
    public static func summing(_ parts: [LexicalStatistics]) -> LexicalStatistics {
        var total = LexicalStatistics()
        for part in parts {
            total.rowCount += part.rowCount
            total.tokenCount += part.tokenCount
            total.documentFrequency.merge(part.documentFrequency, uniquingKeysWith: +)
        }
        return total
    }

    /// Tokens per row, as FTS5's `bm25()` computes it (1 for an index without tokens: nothing matches then).
    public var averageRowLength: Double {
        tokenCount > 0 && rowCount > 0 ? Double(tokenCount) / Double(rowCount) : 1
    }

    /// `term`'s inverse document frequency exactly as FTS5's `bm25()` computes a phrase's:
    /// `log((N − n + 0.5) / (n + 0.5))`, and 1e-6 where that is not positive (a term in most rows).
    public func inverseDocumentFrequency(of term: FTSQuery.Term) -> Double {
        let rows = Double(rowCount), hits = Double(documentFrequency[term.statisticsKey] ?? 0)
        let idf = log((rows - hits + 0.5) / (hits + 0.5))
        return idf > 0 ? idf : 1e-6
    }
}

extension FTSQuery.Term {
    /// The key of this term's document count in ``LexicalStatistics``: a word folded as the tokenizer
    /// stores it (`word`), a prefix with its star (`word*`), a phrase in quotes (`"two words"`). Words hold
    /// only letters and digits, so the three forms never collide.
    public var statisticsKey: String {
        switch self {
        case .word(let word): FTSQuery.folded(word)
        case .prefix(let word): FTSQuery.folded(word) + "*"
        case .phrase(let words): "\"" + words.map(FTSQuery.folded).joined(separator: " ") + "\""
        }
    }
}
