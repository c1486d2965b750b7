@testable import Catalog
import Foundation
import SearchTesting
import Testing

/// Issue #19 item 3: OR within a field, negation, `auto_tag`, `title~word`, bounded size.
@Suite final class FilterGrammarTests {
    private var directories: [URL] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    /// a: cat photo "Sunset beach" tagged cat, draft, auto-tag "tabby, tabby cat"; b: dog video "Beach walk";
    /// c: photo "City lights" tagged bird, auto-tag "goldfinch, Carduelis carduelis".
    func catalog() throws -> (Catalog, [ItemKey]) {
        let directory = try TextFixtures.temporaryDirectory("filter-grammar")
        directories.append(directory)
        let catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        let keys = try catalog.upsert([
            CatalogItem(id: "a", kind: .image, source: "/a.jpg", title: "Sunset beach", tags: ["Cat", "draft"],
                        autoTags: [AutoTag(label: "tabby, tabby cat", score: 0.7)]),
            CatalogItem(id: "b", kind: .video, source: "/b.mp4", title: "Beach walk", tags: ["dog"], duration: 30),
            CatalogItem(id: "c", kind: .image, source: "/c.jpg", title: "City lights", tags: ["bird"],
                        autoTags: [AutoTag(label: "goldfinch, Carduelis carduelis", score: 0.5)]),
        ])
        return (catalog, keys)
    }

    @Test func orNegationAutoTagAndTitleSelectTheRightItems() throws {
        let (catalog, keys) = try catalog()
        let (a, b, c) = (keys[0], keys[1], keys[2])
        func matching(_ text: String) throws -> Set<ItemKey> { try catalog.keys(matching: try CatalogFilter(parsing: text)) ?? [] }
        #expect(try matching("tag=cat|dog") == [a, b])
        #expect(try matching("tag=CAT|bird,kind=image") == [a, c])
        #expect(try matching("-tag=draft") == [b, c])
        #expect(try matching("-tag=draft|bird") == [b])
        #expect(try matching("tag=cat|dog,-tag=draft") == [b])
        #expect(try matching("auto_tag=tabby cat") == [a])
        #expect(try matching("auto_tag=Goldfinch|tabby") == [a, c])
        #expect(try matching("auto_tag=tab") == [])  // whole names only
        #expect(try matching("-auto_tag=tabby") == [b, c])
        #expect(try matching("title~beach") == [a, b])
        #expect(try matching("title~BEACH,-title~walk") == [a])
        #expect(try matching("title~city|sunset") == [a, c])
        #expect(try matching("title~sunset beach") == [a])  // a phrase
        #expect(try matching("-kind=video") == [a, c])
        #expect(try matching("kind=image,-kind=image") == [])
        // Inside the lexical search's SQL too.
        #expect(try catalog.lexicalSearch("beach", filter: try CatalogFilter(parsing: "-tag=draft")).map(\.key) == [b])
        #expect(try catalog.lexicalSearch("beach", filter: try CatalogFilter(parsing: "title~sunset|lights")).map(\.key) == [a])
    }

    @Test func badConditionsAndOversizedFiltersAreTypedErrorsNamingTheInputOrLimit() throws {
        func reason(_ text: String) -> String? {
            (#expect(throws: CatalogError.self) { _ = try CatalogFilter(parsing: text) })?.description
        }
        #expect(reason("title=beach")?.contains("'title' takes '~'") == true)
        #expect(reason("tag~cat")?.contains("'tag' takes '='") == true)
        #expect(reason("-duration=..60")?.contains("negation") == true)
        #expect(reason("colour=red")?.contains("known: kind, tag, auto_tag, title, duration, added") == true)
        #expect(reason("title~!!!")?.contains("no word") == true)
        let many = "tag=" + (1...65).map { "t\($0)" }.joined(separator: "|")
        #expect(reason(many)?.contains("at most \(CatalogFilter.maximumConditions)") == true)
        #expect(reason((1...20).map { "tag=\($0)" + String(repeating: "x", count: 240) }.joined(separator: ","))?.contains("\(CatalogFilter.maximumTextBytes)") == true)
        #expect(reason("tag=" + String(repeating: "x", count: 300))?.contains("\(CatalogFilter.maximumValueBytes) bytes") == true)
        // At the bound it parses.
        let bound = "tag=" + (1...64).map { "t\($0)" }.joined(separator: "|")
        #expect(try CatalogFilter(parsing: bound).conditionCount == 64)
    }

    @Test func theCanonicalTextParsesBackToTheSameFilter() throws {
        for text in ["tag=cat|dog,-tag=draft,auto_tag=tabby,title~beach|sun,kind=image,duration=1..60,added=2024-01-01..",
                     "-kind=video,-title~walk,-auto_tag=goldfinch", ""] {
            let filter = try CatalogFilter(parsing: text)
            #expect(try CatalogFilter(parsing: filter.canonicalText) == filter, "\(text)")
        }
        #expect(try CatalogFilter(parsing: "tag=b,tag=a").canonicalText == CatalogFilter(parsing: "tag=A,tag=b").canonicalText)
    }

    @Test func itemsArePagedInKeyOrderAndEditsMoveTheRevision() throws {
        let (catalog, keys) = try catalog()
        let first = try catalog.items(matching: CatalogFilter(), limit: 2)
        #expect(first.map(\.key) == Array(keys.prefix(2)))
        let rest = try catalog.items(matching: CatalogFilter(), afterKey: first.last!.key, limit: 2)
        #expect(rest.map(\.key) == [keys[2]])
        #expect(try catalog.items(matching: try CatalogFilter(parsing: "kind=image"), limit: 10).map(\.key) == [keys[0], keys[2]])
        let revision = try catalog.revision()
        var edited = try #require(try catalog.item(id: "c"))
        edited.title = "Goldfinch at dawn"
        try catalog.commitEdit(edited, key: keys[2], textVector: [1, 0], textModel: "m")
        #expect(try catalog.revision() > revision)
        #expect(try catalog.pendingTextVectors() == [keys[2]])
        #expect(try catalog.textVector(key: keys[2], dimension: 2) == [1, 0])
        #expect(try catalog.lexicalSearch("dawn").map(\.key) == [keys[2]])
        #expect(try catalog.lexicalSearch("lights").isEmpty)
        try catalog.finishPendingTextVector(keys[2])
        #expect(try catalog.pendingTextVectors().isEmpty)
        #expect(throws: CatalogError.self) { try catalog.commitEdit(edited, key: keys[0], textVector: nil, textModel: "m") }
    }
}
