@testable import Catalog
import Foundation
import SearchTesting
import Testing

/// BM25 scored with statistics passed in (`vsearch_bm25`, fts5_functions.h): with a catalog's own figures it
/// is FTS5's `bm25()`; with the summed figures of disjoint shards, every shard scores its items exactly as
/// one catalog of all the items would.
@Suite struct LexicalStatisticsTests {
    static let queries = ["skyfall film", "\"James Cameron\" avatar", "ratatou* chef", "war peace love story", "Amélie paris"]

    /// FTS5's own `bm25()` over `expression`, higher is better.
    func fts5Scores(_ catalog: Catalog, _ expression: String, _ weights: LexicalWeights) throws -> [ItemKey: Double] {
        try catalog.withConnection { db in
            var scores: [ItemKey: Double] = [:]
            try db.query("SELECT rowid, bm25(items_fts, ?, ?, ?, ?) FROM items_fts WHERE items_fts MATCH ?",
                         [.real(weights.title), .real(weights.description), .real(weights.tags), .real(weights.autoTags),
                          .text(expression)]) { scores[$0.int64(0)] = -$0.double(1) }
            return scores
        }
    }

    @Test(arguments: queries)
    func ownStatisticsScoreAsFTS5sBM25(_ text: String) throws {
        let (catalog, _) = try MovieFixture.catalog()
        let query = FTSQuery(text)
        let weights = LexicalWeights(title: 3, description: 1, tags: 2.5, autoTags: 0.5)
        let statistics = try catalog.lexicalStatistics(for: query)
        #expect(statistics.rowCount == 685)
        let plan = try #require(query.plannedMatch(documentFrequency: statistics.documentFrequency,
                                                   itemCount: statistics.rowCount, scoringBudget: Catalog.scoringBudget))
        #expect(!plan.expression.hasPrefix("{"), "a column-restricted plan takes its IDFs from all columns, unlike bm25()")
        let reference = try fts5Scores(catalog, plan.expression, weights)
        let hits = try catalog.lexicalSearch(query, limit: 10_000, weights: weights)
        #expect(!hits.isEmpty)
        #expect(hits.count == reference.count)
        for hit in hits {
            let expected = try #require(reference[hit.key])
            #expect(abs(hit.score - expected) <= 1e-9 * max(1, abs(expected)), "\(text): item \(hit.key)")
        }
    }

    /// Three disjoint shards of the film fixture scored with their summed statistics give one catalog's
    /// scores; scored with their own (per-shard IDF) they do not.
    @Test func shardsScoredWithSummedStatisticsMatchOneCatalog() throws {
        let (whole, items) = try MovieFixture.catalog()
        let directory = try TextFixtures.temporaryDirectory("lexical-shards")
        let shards = try (0..<3).map { shard in
            let catalog = try Catalog(path: directory.appendingPathComponent("shard\(shard).sqlite").path)
            try catalog.upsert(items.enumerated().filter { $0.offset % 3 == shard }.map(\.element))
            return catalog
        }
        func ids(_ catalog: Catalog, _ hits: [LexicalHit]) throws -> [(id: String, score: Double)] {
            let rows = try catalog.items(keys: hits.map(\.key))
            return hits.compactMap { hit in rows[hit.key].map { ($0.id, hit.score) } }
        }
        var perShardDiffers = false
        for text in Self.queries {
            let query = FTSQuery(text)
            let summed = LexicalStatistics.summing(try shards.map { try $0.lexicalStatistics(for: query) })
            #expect(summed == (try whole.lexicalStatistics(for: query)), "\(text)")
            let expected = Dictionary(uniqueKeysWithValues: try ids(whole, whole.lexicalSearch(query, limit: 10_000)).map { ($0.id, $0.score) })
            var global: [String: Double] = [:]
            for shard in shards {
                for hit in try ids(shard, shard.lexicalSearch(query, limit: 10_000, statistics: summed)) { global[hit.id] = hit.score }
                for hit in try ids(shard, shard.lexicalSearch(query, limit: 10_000)) where abs(hit.score - expected[hit.id, default: 0]) > 1e-6 {
                    perShardDiffers = true
                }
            }
            #expect(Set(global.keys) == Set(expected.keys), "\(text)")
            for (id, score) in global { #expect(abs(score - expected[id, default: .nan]) <= 1e-12 * max(1, abs(score)), "\(text): \(id)") }
        }
        #expect(perShardDiffers, "per-shard statistics should change some scores, or this test shows nothing")
    }

    /// The cached counts follow writes made through another connection (a reader pool's connections share
    /// one cache, keyed by the catalog's revision): an add and an edit are seen at once.
    @Test func statisticsFollowWritesOfAnotherConnection() throws {
        let directory = try TextFixtures.temporaryDirectory("lexical-cache")
        let path = directory.appendingPathComponent("catalog.sqlite").path
        let writer = try Catalog(path: path)
        try writer.upsert([CatalogItem(id: "a", kind: .image, source: "a.jpg", title: "red kite")])
        let reader = try Catalog(path: path, access: .readOnly(connections: 2))
        let kite = FTSQuery("kite")
        #expect(try reader.lexicalStatistics(for: kite).documentFrequency["kite"] == 1)
        try writer.upsert([CatalogItem(id: "b", kind: .image, source: "b.jpg", title: "blue kite")])
        for _ in 0..<4 {
            let statistics = try reader.lexicalStatistics(for: kite)
            #expect(statistics.documentFrequency["kite"] == 2 && statistics.rowCount == 2)
        }
        try writer.upsert([CatalogItem(id: "b", kind: .image, source: "b.jpg", title: "blue bird")])
        #expect(try reader.lexicalStatistics(for: kite).documentFrequency["kite"] == 1)
        _ = try writer.remove(id: "a")
        #expect(try reader.lexicalStatistics(for: kite) == LexicalStatistics(rowCount: 1, tokenCount: 2, documentFrequency: ["kite": 0]))
    }

    /// A word the tokenizer folds away (a lone combining accent) is still a phrase FTS5 counts: no error.
    @Test func wordsTheTokenizerEmptiesDoNotBreakScoring() throws {
        let (catalog, _) = try MovieFixture.catalog()
        for text in ["\u{301}", "\u{301} skyfall", "skyfall \u{301}", "\u{20DD} avatar \u{903}"] {
            _ = try catalog.lexicalSearch(text, limit: 10)
        }
        #expect(try !catalog.lexicalSearch("\u{301} skyfall", limit: 10).isEmpty)
    }
}
