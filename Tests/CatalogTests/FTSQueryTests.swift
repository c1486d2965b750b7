import Catalog
import Foundation
import Testing

@Suite struct FTSQueryTests {
    @Test func wordsAreQuotedAndJoinedWithOr() {
        #expect(FTSQuery("Sunset harbour").expression == "\"Sunset\" OR \"harbour\"")
        #expect(FTSQuery("time-lapse (4K)").expression == "\"time\" OR \"lapse\" OR \"4K\"")
    }

    @Test func operatorsBecomePlainWords() {
        #expect(FTSQuery("cats AND NOT dogs").expression == "\"cats\" OR \"AND\" OR \"NOT\" OR \"dogs\"")
        #expect(FTSQuery("NEAR(a b)").expression == "\"NEAR\" OR \"a\" OR \"b\"")
        #expect(FTSQuery("title:avatar").expression == "\"title\" OR \"avatar\"")
    }

    @Test func conjunctiveQueriesJoinWithAnd() {
        #expect(FTSQuery(terms: [.word("a"), .prefix("bc")], requiresAllTerms: true).expression == "\"a\" AND \"bc\"*")
    }

    @Test func phrasesAndPrefixes() {
        #expect(FTSQuery("\"new york\" taxi*").terms == [.phrase(["new", "york"]), .prefix("taxi")])
        #expect(FTSQuery("\"new york\" taxi*").expression == "\"new york\" OR \"taxi\"*")
        #expect(FTSQuery("\"unclosed phrase").terms == [.phrase(["unclosed", "phrase"])])
        #expect(FTSQuery("\"single\"").terms == [.word("single")])
        #expect(FTSQuery("a*").terms == [.word("a")])  // one-letter prefixes would match half the index
        #expect(FTSQuery("café*").terms == [.prefix("café")])
    }

    @Test func emptyAndPunctuationOnlyHaveNoExpression() {
        for text in ["", "   ", "!!!", "\"\"", "*", "-- ;", "\u{0}"] {
            #expect(FTSQuery(text).expression == nil, "\(text.debugDescription)")
        }
    }

    @Test func limitsBoundTheQuery() {
        let many = FTSQuery((0..<500).map { "w\($0)" }.joined(separator: " "))
        #expect(many.terms.count == 32)
        let long = FTSQuery(String(repeating: "x", count: 10_000))
        #expect(long.terms == [.word(String(repeating: "x", count: FTSQuery.maximumWordLength))])
        let phrase = FTSQuery("\"" + (0..<40).map { "p\($0)" }.joined(separator: " ") + "\"")
        #expect(phrase.terms.count == 1)
        if case .phrase(let words) = phrase.terms[0] { #expect(words.count == FTSQuery.maximumPhraseWords) }
        #expect(FTSQuery("cat cat CAT cat").terms.count == 2)  // duplicates removed (case kept: FTS5 folds it)
    }
}

@Suite struct CatalogFilterParsingTests {
    @Test func parsesEveryCondition() throws {
        let filter = try CatalogFilter(parsing: "kind=video, tag=Drama, tag=war, duration=60..7200, added=2001-01-01..2010-12-31")
        #expect(filter.kinds == [.video])
        #expect(filter.tags == ["Drama", "war"])
        #expect(filter.minimumDuration == 60 && filter.maximumDuration == 7200)
        #expect(filter.addedAfter == (try Date("2001-01-01T00:00:00Z", strategy: .iso8601)))
        #expect(try CatalogFilter(parsing: "duration=..30").maximumDuration == 30)
        #expect(try CatalogFilter(parsing: "kind=image|video").kinds == [.image, .video])
        #expect(try CatalogFilter(parsing: "").isEmpty)
    }

    @Test(arguments: ["kind=audio", "nonsense", "size=3", "duration=abc..", "duration=..", "duration=5",
                      "added=yesterday..", "tag=", "duration=nan..inf"])
    func rejectsBadConditionsByName(text: String) {
        let error = #expect(throws: CatalogError.self) { _ = try CatalogFilter(parsing: text) }
        #expect(error?.subject.contains("filter") == true)
    }
}
