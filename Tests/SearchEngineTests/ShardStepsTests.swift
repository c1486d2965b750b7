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

    /// Two items with the same metadata tie in BM25 and in the semantic ranking: one machine ranks them by
    /// id, as the router's merge does, whichever was added first.
    @Test func tiesAreRankedByIDOnOneMachineAsThroughTheRouter() throws {
        let scratch = try TemporaryDirectory("vs-ties")
        defer { scratch.remove() }
        let media = scratch.file("media")
        for name in ["apple.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: media) }
        // The same photo with bytes after its end marker (decoders stop there): another file, the same pixels,
        // so the same auto-tags and the same BM25 row length.
        var copy = try Data(contentsOf: URL(fileURLWithPath: BuildFixtures.sample("apple.jpg")))
        copy.append(contentsOf: Array("another file".utf8))
        try copy.write(to: URL(fileURLWithPath: media + "/apple-copy.jpg"))
        let manifest = scratch.file("items.jsonl")
        try """
            {"id":"zz-first","source":"media/apple.jpg","title":"Market stall","description":"Fresh produce for sale."}
            {"id":"mm-other","source":"media/fruits.jpg","title":"Bowl","description":"Lemons on a table."}
            {"id":"aa-last","source":"media/apple-copy.jpg","title":"Market stall","description":"Fresh produce for sale."}

            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: manifest).entries, inputDescription: manifest)
        let engine = try SearchFeatureFixtures.engine(index)
        let hits = try engine.hits(for: SearchRequest(text: "market stall produce", options: QueryOptions(k: 3)))
        let first = try #require(hits.first { $0.id == "aa-last" }), second = try #require(hits.first { $0.id == "zz-first" })
        #expect(first.scores["bm25"] == second.scores["bm25"] && first.scores["semantic"] == second.scores["semantic"])
        #expect(first.sources["bm25"]! < second.sources["bm25"]! && first.sources["semantic"]! < second.sources["semantic"]!)

        // Collapse: the two copies have the same pixels; the router's fold (vectors by id) is one machine's.
        for k in [1, 2] {
            var options = QueryOptions(k: k)
            options.collapseNearDuplicates = true
            let request = SearchRequest(text: "market stall produce", options: options)
            let answer = try engine.candidates(for: try engine.shardQuery(for: request))
            var merged = QueryEngine.merge([answer], options: options, hasText: true)
            merged.collapse(vectors: try engine.collapseVectors(ids: merged.fusedIDs))
            for row in try engine.itemRows(ids: merged.missingItemIDs) { merged.items[row.id] = row }
            let local = try engine.page(for: request)
            #expect(merged.hits() == local.hits && merged.hasMore == (local.nextCursor != nil), "k \(k)")
            #expect(local.hits.first { $0.id == "aa-last" }?.duplicates?.map(\.id) == ["zz-first"])
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
