import Catalog
import Foundation
import Testing

/// The document-frequency plan run through SQLite on a tiny catalog, with a scoring budget small
/// enough that its words count as broad (on real catalogs the budget is 3,000 postings).
@Suite struct LexicalPlanningTests {
    func catalog() throws -> Catalog {
        let catalog = try Catalog(path: ":memory:")
        let titles = ["red car", "blue car", "red boat", "green tree", "yellow kite", "purple lamp"]
        _ = try catalog.upsert(titles.enumerated().map { n, title in
            CatalogItem(id: "i\(n)", kind: .image, source: "\(n).jpg", title: title, description: "a \(title) outdoors")
        })
        return catalog
    }

    func titles(_ catalog: Catalog, _ hits: [LexicalHit]) throws -> [String] {
        let items = try catalog.items(keys: hits.map(\.key))
        return hits.compactMap { items[$0.key]?.title }
    }

    @Test func broadWordsOnlyRescoreTheSelectiveCandidates() throws {
        let catalog = try catalog()
        // "red" (2 items) is selective within a budget of 2; "car" (2 more postings) only re-scores.
        let hits = try catalog.lexicalSearch(FTSQuery("red car"), limit: 10, scoringBudget: 2)
        #expect(try titles(catalog, hits) == ["red car", "red boat"])
        // Without the budget both words find candidates.
        let plain = try catalog.lexicalSearch(FTSQuery("red car"), limit: 10)
        #expect(try titles(catalog, plain).first == "red car")
        #expect(Set(try titles(catalog, plain)) == ["red car", "blue car", "red boat"])
    }

    /// Every word in more than half of the items and beyond the budget: no BM25 candidates (filtered
    /// or not), no error; within the budget every word must match, as before.
    @Test func queriesOfUbiquitousWordsOnlyHaveNoLexicalHitsBeyondTheBudget() throws {
        let catalog = try catalog()
        #expect(try catalog.lexicalSearch(FTSQuery("a outdoors"), limit: 10, scoringBudget: 4).isEmpty)
        #expect(try catalog.lexicalSearch(FTSQuery("a outdoors"), filter: CatalogFilter(kinds: [.image]), limit: 10,
                                          scoringBudget: 4).isEmpty)
        #expect(try catalog.lexicalSearch(FTSQuery("a outdoors"), limit: 10).count == 6)
        #expect(try titles(catalog, catalog.lexicalSearch(FTSQuery("a red"), limit: 10, scoringBudget: 4)) == ["red car", "red boat"])
    }

    @Test func broadOnlyQueriesMatchTitlesAndTagsNotDescriptions() throws {
        let catalog = try catalog()
        // "outdoors" is in every description only: as a broad word it matches nothing.
        #expect(try catalog.lexicalSearch(FTSQuery("outdoors"), limit: 10, scoringBudget: 1).isEmpty)
        #expect(try catalog.lexicalSearch(FTSQuery("outdoors"), limit: 10).count == 6)
        let car = try catalog.lexicalSearch(FTSQuery("car"), limit: 10, scoringBudget: 1)
        #expect(Set(try titles(catalog, car)) == ["red car", "blue car"])
    }
}
