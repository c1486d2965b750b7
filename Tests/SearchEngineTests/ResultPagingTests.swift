import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// Issue #19 item 1: `k` is the page size, `next_cursor` fetches the next page; pages are disjoint, in
/// order and stable; a cursor of another query or of a changed index is refused with a typed error.
@Suite struct ResultPagingTests {
    @Test(arguments: ["image", "text", "item+text"])
    func pagesAreDisjointInOrderAndCoverTheRanking(kind: String) throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        var request = SearchRequest(options: QueryOptions(k: 3))
        if kind == "image" { request.image = .file(path: BuildFixtures.sample("orange.jpg")) }
        if kind.hasPrefix("item") {
            let apple = try #require(try engine.snapshot.catalog.items(matching: CatalogFilter(), limit: 100).first { $0.item.source.hasSuffix("apple.jpg") })
            request.item = ItemQuery(id: apple.item.id)
        }
        if kind.hasSuffix("text") { request.text = "fruit on a table" }
        let pages = try SearchFeatureFixtures.allPages(engine, request)
        let paged = pages.flatMap { $0 }
        #expect(pages.count >= 3, "\(kind): \(pages.map(\.count))")
        #expect(pages.dropLast().allSatisfy { $0.count == 3 })
        #expect(pages.last!.count >= 1 && pages.last!.count <= 3)
        #expect(Set(paged.map(\.id)).count == paged.count, "\(kind): pages overlap")
        #expect(paged.map(\.rank) == Array(1...paged.count))
        // The pages are the one ranking cut in pieces: the same as asking for everything at once.
        var whole = request
        whole.options.k = 1000
        let all = try engine.page(for: whole)
        #expect(all.nextCursor == nil)
        #expect(all.hits.map(\.id) == paged.map(\.id))
        #expect(all.hits.map(\.score) == paged.map(\.score))
        // Stable: fetching the second page again gives the same page.
        var second = request
        second.options.cursor = try engine.page(for: request).nextCursor
        #expect(try engine.page(for: second).hits == pages[1])
    }

    @Test func theLastPageHasNoCursorAndAWholeAnswerNeedsNone() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let all = try engine.page(for: SearchRequest(text: "photo", options: QueryOptions(k: 100)))
        #expect(!all.hits.isEmpty && all.nextCursor == nil)
        let first = try engine.page(for: SearchRequest(text: "photo", options: QueryOptions(k: 1)))
        #expect(first.hits.count == 1 && first.nextCursor != nil)
    }

    @Test func aCursorOfAnotherQueryOrMalformedIsRefused() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let cursor = try #require(try engine.page(for: SearchRequest(text: "fruit", options: QueryOptions(k: 2))).nextCursor)
        for other in [SearchRequest(text: "animal", options: QueryOptions(k: 2, cursor: cursor)),
                      SearchRequest(text: "fruit", options: QueryOptions(k: 3, cursor: cursor)),
                      SearchRequest(text: "fruit", options: QueryOptions(k: 2, filter: CatalogFilter(kinds: [.image]), cursor: cursor))] {
            let error = #expect(throws: SearchEngineError.self) { _ = try engine.page(for: other) }
            #expect(error?.kind == .cursorMismatch && error?.subject == "cursor")
        }
        for junk in ["abc", "!!!", String(repeating: "A", count: 300), cursor + "x"] {
            let error = #expect(throws: SearchEngineError.self) {
                _ = try engine.page(for: SearchRequest(text: "fruit", options: QueryOptions(k: 2, cursor: junk)))
            }
            #expect(error?.kind == .invalidCursor || error?.kind == .cursorMismatch, "\(junk.prefix(10)): \(String(describing: error))")
        }
    }

    @Test func aCursorFromBeforeAnIndexChangeIsStale() throws {
        let scratch = try TemporaryDirectory("vs-paging-stale")
        defer { scratch.remove() }
        let index = try SearchFeatureFixtures.build(in: scratch)
        let (_, text) = try BuildFixtures.models.get()
        let before = try SearchFeatureFixtures.engine(index)
        let request = SearchRequest(text: "fruit", options: QueryOptions(k: 2))
        let cursor = try #require(try before.page(for: request).nextCursor)
        let id = try #require(try before.snapshot.catalog.items(matching: CatalogFilter(), limit: 1).first?.item.id)
        _ = try IndexMaintenance.update(id: id, edit: ItemEdit(title: "renamed"), in: index, textEncoder: text)
        var next = request
        next.options.cursor = cursor
        let error = #expect(throws: SearchEngineError.self) { _ = try SearchFeatureFixtures.engine(index).page(for: next) }
        #expect(error?.kind == .staleCursor)
    }
}
