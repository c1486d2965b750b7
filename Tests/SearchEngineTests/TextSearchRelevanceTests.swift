import Catalog
import Foundation
import SearchEngine
import Testing

/// Relevance on real film metadata (Wikidata via bokeh-sampledata, CC0). Each query states what
/// should find the film and through which side.
@Suite struct TextSearchRelevanceTests {
    func titles(_ results: [SearchHit]) -> [String] { results.map(\.title) }

    @Test func misspelledTitleIsFoundSemantically() throws {
        let index = try FilmIndex.get()
        // The common misspelling of "Inglourious Basterds": no word matches, so BM25 has nothing.
        let results = try index.search("Inglorious Bastards", options: QueryOptions(k: 5))
        #expect(results.first?.title == "Inglourious Basterds")
        #expect(results.first?.sources == ["semantic": 1])
        let partial = try index.search("Harry Poter and the goblet of fier", options: QueryOptions(k: 5))
        #expect(partial.first?.title == "Harry Potter and the Goblet of Fire")
    }

    @Test func paraphraseFindsTheFilmSemantically() throws {
        let index = try FilmIndex.get()
        let results = try index.search("mutant with metal claws", options: QueryOptions(k: 5))
        #expect(results.first?.title == "The Wolverine")
        #expect(results.first?.sources["semantic"] == 1)
    }

    @Test func synonymOfAGenreFindsThatGenre() throws {
        let index = try FilmIndex.get()
        // No film text says "cartoon": every hit comes from the semantic side.
        #expect(try index.catalog.lexicalSearch("cartoon").isEmpty)
        let results = try index.search("cartoon", options: QueryOptions(k: 3))
        #expect(results.count == 3)
        for result in results {
            #expect(result.tags.contains("Animation"), "\(result.title)")
            #expect(result.sources.keys.sorted() == ["semantic"])
        }
    }

    @Test func rareExactWordIsFoundThroughBM25() throws {
        let index = try FilmIndex.get()
        let zatoichi = try index.search("Zatoichi", options: QueryOptions(k: 5))
        #expect(zatoichi.first?.title == "The Tale of Zatoichi")
        #expect(zatoichi.first?.sources["bm25"] == 1)
        // A director's surname appears only in the descriptions of that director's films.
        let soderbergh = try index.search("Soderbergh", options: QueryOptions(k: 10))
        let lexical = soderbergh.filter { $0.sources["bm25"] != nil }
        #expect(Set(lexical.map(\.title)) == ["Traffic", "Side Effects", "Magic Mike"])
        #expect(try lexical.allSatisfy { try #require(try index.catalog.item(id: $0.id)).description.contains("Steven Soderbergh") })
        #expect(Set(titles(Array(soderbergh.prefix(3)))) == ["Traffic", "Side Effects", "Magic Mike"])
    }

    @Test func filtersHoldForEveryResultAndFillK() throws {
        let index = try FilmIndex.get()
        let short = QueryOptions(k: 5, filter: CatalogFilter(maximumDuration: 95 * 60))
        let results = try index.search("cartoon", options: short)
        #expect(results.count == 5)
        #expect(results.allSatisfy { ($0.duration ?? .infinity) <= 95 * 60 })
        let documentaries = try index.search("space", options: QueryOptions(k: 4, filter: CatalogFilter(tags: ["documentary"])))
        #expect(documentaries.count == 4)
        #expect(documentaries.allSatisfy { $0.tags.contains("Documentary") })
        #expect(try index.search("space", options: QueryOptions(filter: CatalogFilter(kinds: [.image]))).isEmpty)
        let old = try index.search("war", options: QueryOptions(k: 3, filter: CatalogFilter(
            addedBefore: try Date("1970-01-01T00:00:00Z", strategy: .iso8601))))
        #expect(old.count == 3)
        #expect(try old.allSatisfy { try #require(try index.catalog.item(id: $0.id)).addedAt.timeIntervalSince1970 < 0 })
    }

    @Test func resultsExplainTheirSourcesAndFusedScores() throws {
        let index = try FilmIndex.get()
        let results = try index.search("toy story", options: QueryOptions(k: 8))
        #expect(results.map(\.rank) == Array(1...8))
        for result in results {
            #expect(!result.sources.isEmpty)
            let expected = result.sources.values.reduce(0.0) { $0 + 1 / (60 + Double($1)) }
            #expect(abs(result.score - expected) < 1e-12)
            // Each source that ranked the item also reports its own score (and only those).
            #expect(Set(result.scores.keys) == Set(result.sources.keys))
            if let cosine = result.scores["semantic"] { #expect(cosine > 0 && cosine <= 1.0001) }
            if let bm25 = result.scores["bm25"] { #expect(bm25 > 0) }
        }
        #expect(results.first?.title == "Toy Story 3")
        #expect(results.first?.sources == ["bm25": 1, "semantic": 1])
        // Weighting a source changes the order: BM25 alone (semantic weight 0) keeps its own ranking.
        let lexicalOnly = try index.search("toy story", options: QueryOptions(
            k: 2, fusion: ReciprocalRankFusion(weights: [.semantic: 0])))
        #expect(lexicalOnly.map { $0.sources["bm25"] } == [1, 2])
    }

    @Test(arguments: ["", "   ", "!!!", "\"", "AND OR NOT", "NEAR(x y)", "title:*", String(repeating: "ab ", count: 4_000),
                      String(repeating: "\u{1F600}", count: 3_000), "a\u{0}b"])
    func oddQueriesGiveResultsOrNothingNeverAnError(query: String) throws {
        let index = try FilmIndex.get()
        if query.allSatisfy(\.isWhitespace) {
            // No query at all: a typed error the edges turn into "give a query" (HTTP 400 missing_query).
            #expect { try index.search(query, options: QueryOptions(k: 3)) } throws: {
                ($0 as? SearchEngineError)?.kind == .missingQuery
            }
            return
        }
        let results = try index.search(query, options: QueryOptions(k: 3))
        #expect(results.count <= 3)
    }
}
