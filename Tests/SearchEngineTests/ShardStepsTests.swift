import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// The cluster's two query steps on one index — a replica's ``QueryEngine/candidates(for:)`` over the wire
/// format, the router's ``QueryEngine/merge(_:options:hasText:)`` with the missing rows fetched — give one
/// machine's page: every source fused as deep as one machine ranks it.
@Suite struct ShardStepsTests {
    @Test func theTwoStepsGiveOneMachinesPage() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let ids = try ItemListing.page(engine.snapshot.catalog, cursor: nil, limit: 100).items.map(\.id)
        try #require(ids.count >= 4)
        let cases: [(text: String?, item: String?)] = [("fruit", nil), ("an animal outdoors", nil), ("people", ids[0]),
                                                      ("food on a table", ids[3]), (nil, ids[1])]
        for k in [1, 2, 3, 5, 8] {
            for (text, item) in cases {
                let request = SearchRequest(item: item.map { ItemQuery(id: $0) }, text: text, options: QueryOptions(k: k))
                let wire = try JSONEncoder().encode(try engine.candidates(for: try engine.shardQuery(for: request)))
                let answer = try JSONDecoder().decode(ShardCandidates.self, from: wire)
                var merged = QueryEngine.merge([answer], options: request.options, hasText: text != nil)
                for row in try engine.itemRows(ids: merged.missingItemIDs) { merged.items[row.id] = row }
                #expect(merged.missingItemIDs.isEmpty)
                let local = try engine.hits(for: request)
                #expect(!local.isEmpty)
                #expect(merged.hits() == local, "k \(k), text \(text ?? "-"), item \(item ?? "-")")
            }
        }
    }

    /// A result can lead the fusion without leading any one list: its row is asked for, not dropped.
    @Test func aFusedResultWithoutARowIsNamedAndBuiltOnceFetched() {
        func item(_ id: String) -> CatalogItem { CatalogItem(id: id, kind: .image, source: "/media/\(id)", title: id) }
        // "b" is second in both text lists: first after fusion; the shard sent rows for each list's first only.
        var part = ShardCandidates(items: ["a": item("a"), "c": item("c")])
        part[.bm25] = [.init(id: "a", score: 9), .init(id: "b", score: 8)]
        part[.semantic] = [.init(id: "c", score: 0.9), .init(id: "b", score: 0.8)]
        var merged = QueryEngine.merge([part], options: QueryOptions(k: 1), hasText: true)
        #expect(merged.missingItemIDs == ["b"])
        // Without its row the page's one result is passed over, not replaced by a later one (one machine's page).
        #expect(merged.hits().isEmpty && merged.hasMore)
        merged.items["b"] = item("b")
        #expect(merged.missingItemIDs.isEmpty)
        #expect(merged.hits().map(\.id) == ["b"])
        #expect(merged.hits().first?.sources == ["bm25": 2, "semantic": 2] && merged.hits().first?.rank == 1)
        // The second page: "a" (then "c"), ranked from the offset.
        let second = QueryEngine.merge([part], options: QueryOptions(k: 1), hasText: true, offset: 1)
        #expect(second.missingItemIDs.isEmpty && second.hits().map(\.id) == ["a"] && second.hits().first?.rank == 2)
    }
}
