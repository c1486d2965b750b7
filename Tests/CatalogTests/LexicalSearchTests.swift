import Catalog
import Foundation
import SearchTesting
import Testing

@Suite struct LexicalSearchTests {
    static let shared: Result<(Catalog, [CatalogItem]), any Error> = Result { try MovieFixture.catalog() }

    func titles(_ catalog: Catalog, _ hits: [LexicalHit]) throws -> [String] {
        let items = try catalog.items(keys: hits.map(\.key))
        return hits.compactMap { items[$0.key]?.title }
    }

    @Test func rareExactWordFindsTheFilm() throws {
        let (catalog, _) = try Self.shared.get()
        let hits = try catalog.lexicalSearch("skyfall", limit: 5)
        #expect(try titles(catalog, hits).first == "Skyfall")
        #expect(hits.count == 1)
    }

    /// "film" is in every description: alongside a rarer word it is dropped (its BM25 weight is ~0),
    /// on its own it still matches.
    @Test func wordsInMostItemsDoNotFloodResults() throws {
        let (catalog, items) = try Self.shared.get()
        #expect(items.allSatisfy { $0.description.contains("film") })
        #expect(try catalog.lexicalSearch("film", limit: 10_000).count == items.count)
        let focused = try catalog.lexicalSearch("skyfall film", limit: 10_000)
        #expect(try titles(catalog, focused) == ["Skyfall"])
        #expect(try catalog.lexicalSearch("film FILM Film", limit: 10_000).count == items.count)
        // Only common words: every one must match.
        let both = try catalog.lexicalSearch("film starring", limit: 10_000)
        #expect(both.count == items.filter { $0.description.contains("Starring") }.count)
        #expect(both.count < items.count)
    }

    @Test func diacriticsAreFoldedBothWays() throws {
        let (catalog, _) = try Self.shared.get()
        #expect(try titles(catalog, catalog.lexicalSearch("amelie", limit: 3)).first == "Amélie")
        #expect(try titles(catalog, catalog.lexicalSearch("AMÉLIE", limit: 3)).first == "Amélie")
        // "Cuarón" is stored with an accent; the query has none.
        let gravity = try titles(catalog, catalog.lexicalSearch("cuaron", limit: 10))
        #expect(gravity.contains("Gravity"))
    }

    @Test func titleMatchesOutrankDescriptionMatches() throws {
        let (catalog, items) = try Self.shared.get()
        let hits = try catalog.lexicalSearch("avatar", limit: 10)
        #expect(try titles(catalog, hits).first == "Avatar")
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
        #expect(items.contains { $0.title == "Avatar" })
    }

    @Test func phraseQueriesRequireTheWordsTogether() throws {
        let (catalog, items) = try Self.shared.get()
        let hits = try catalog.lexicalSearch("\"James Cameron\"", limit: 50)
        let expected = items.filter { $0.description.contains("James Cameron") }.map(\.title)
        #expect(!expected.isEmpty)
        #expect(Set(try titles(catalog, hits)) == Set(expected))
    }

    @Test func prefixQueriesMatchWordStarts() throws {
        let (catalog, items) = try Self.shared.get()
        let hits = try titles(catalog, catalog.lexicalSearch("ratatou*", limit: 5))
        #expect(hits.first == "Ratatouille")
        let documentaries = items.filter { $0.tags.contains("Documentary") }.count
        let prefixHits = try catalog.lexicalSearch("documen*", limit: 1000)
        #expect(prefixHits.count >= documentaries)
    }

    @Test func filtersApplyInsideRetrievalNotAfterTruncation() throws {
        let (catalog, items) = try Self.shared.get()
        // "film" is in every description: without the filter the top 5 are not all Westerns.
        let westerns = Set(items.filter { $0.tags.contains("Western") }.map(\.id))
        #expect(westerns.count >= 5)
        let filter = CatalogFilter(tags: ["western"])
        let hits = try catalog.lexicalSearch("film", filter: filter, limit: 5)
        #expect(hits.count == 5)
        let found = try catalog.items(keys: hits.map(\.key))
        #expect(found.values.allSatisfy { westerns.contains($0.id) })

        let short = CatalogFilter(minimumDuration: 60 * 60, maximumDuration: 90 * 60)
        let shortHits = try catalog.lexicalSearch("drama", filter: short, limit: 20)
        #expect(!shortHits.isEmpty)
        #expect(try catalog.items(keys: shortHits.map(\.key)).values.allSatisfy { ($0.duration ?? 0) >= 3600 && ($0.duration ?? 0) <= 5400 })

        let day = 86_400.0
        let nineties = CatalogFilter(addedAfter: Date(timeIntervalSince1970: 631_152_000),  // 1990-01-01
                                     addedBefore: Date(timeIntervalSince1970: 946_684_800 - day))
        let ninetiesHits = try catalog.lexicalSearch("film", filter: nineties, limit: 30)
        #expect(ninetiesHits.count == 30)
        #expect(try catalog.items(keys: ninetiesHits.map(\.key)).values.allSatisfy {
            $0.addedAt.timeIntervalSince1970 >= 631_152_000 && $0.addedAt.timeIntervalSince1970 < 946_684_800
        })
        #expect(try catalog.lexicalSearch("film", filter: CatalogFilter(kinds: [.image])).isEmpty)
        #expect(try catalog.keys(matching: CatalogFilter(kinds: [.video]))?.count == items.count)
        #expect(try catalog.keys(matching: CatalogFilter()) == nil)
    }

    /// Hostile or odd user input: never an error, never a crash.
    @Test(arguments: [
        "", "   ", "!!!???...", "\"", "\"\"", "\"unclosed phrase", "*", "**", "a*", "-", "^", "+",
        "AND", "OR", "NOT", "cat AND", "OR dog", "NOT NOT", "NEAR(a b, 3)", "NEAR(", "title:avatar", "{title}: x",
        "col:*", "(((", ")))", "avatar\"); DROP TABLE items; --", "'; DELETE FROM items_fts; --", "\u{0}", "a\u{0}b",
        "😀😀", "北京", "\u{FFFD}", "ﬁ ligature", "x\"y\"z", "\"a\" \"b\" \"\"", "^avatar", "avatar*\"*\"",
        String(repeating: "x", count: 10_000), String(repeating: "word ", count: 2_000),
        String(repeating: "\" OR ", count: 2_000), String(repeating: "é", count: 10_000),
    ])
    func hostileQueriesNeverFail(query: String) throws {
        let (catalog, items) = try Self.shared.get()
        let hits = try catalog.lexicalSearch(query, limit: 10)
        #expect(hits.count <= 10)
        #expect(try catalog.count() == items.count)
    }
}
