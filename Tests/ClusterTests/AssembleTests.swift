import Catalog
import Foundation
import SearchEngine
import Testing

/// `QueryEngine.assemble`: the merge step the router and one machine share.
@Suite struct AssembleTests {
    static func item(_ id: String, kind: ItemKind = .image) -> CatalogItem {
        CatalogItem(id: id, kind: kind, source: "/media/\(id)", title: id.uppercased())
    }

    static func part(_ visual: [(String, Double)], _ bm25: [(String, Double)]? = nil) -> ShardCandidates {
        var items: [String: CatalogItem] = [:]
        for (id, _) in visual + (bm25 ?? []) { items[id] = item(id) }
        var part = ShardCandidates(sources: [.visual: visual.map { .init(id: $0.0, score: $0.1) }], items: items)
        if let bm25 {
            part[.bm25] = bm25.map { .init(id: $0.0, score: $0.1) }
            part[.semantic] = []
        }
        return part
    }

    /// Two shards' answers assemble exactly as one shard holding both lists would.
    @Test func twoShardsAssembleLikeOne() {
        let a = Self.part([("a1", 0.9), ("a2", 0.5), ("a3", 0.1)], [("a2", 7), ("a3", 1)])
        let b = Self.part([("b1", 0.8), ("b2", 0.6)], [("b1", 3)])
        let both = Self.part([("b2", 0.6), ("a1", 0.9), ("a3", 0.1), ("a2", 0.5), ("b1", 0.8)], [("a3", 1), ("b1", 3), ("a2", 7)])
        for hasText in [false, true] {
            let options = QueryOptions(k: 3)
            let split = QueryEngine.assemble([a, b], options: options, hasText: hasText)
            let reversed = QueryEngine.assemble([b, a], options: options, hasText: hasText)
            let single = QueryEngine.assemble([both], options: options, hasText: hasText)
            #expect(split == single && reversed == single)
        }
        let visual = QueryEngine.assemble([Self.part([("a1", 0.9), ("a2", 0.5)]), Self.part([("b1", 0.8), ("b2", 0.6)])],
                                          options: QueryOptions(k: 3), hasText: false)
        #expect(visual.map(\.id) == ["a1", "b1", "b2"])
        #expect(visual.map(\.score) == [0.9, 0.8, 0.6])
        #expect(visual.map(\.rank) == [1, 2, 3])
        #expect(visual.first?.title == "A1" && visual.first?.path == "/media/a1")
    }

    /// Equal scores are ordered by id, whichever shard answered first.
    @Test func tiesAreBrokenById() {
        let a = Self.part([("x", 0.5)]), b = Self.part([("m", 0.5)])
        #expect(QueryEngine.assemble([a, b], options: QueryOptions(k: 2), hasText: false).map(\.id) == ["m", "x"])
        #expect(QueryEngine.assemble([b, a], options: QueryOptions(k: 2), hasText: false).map(\.id) == ["m", "x"])
    }

    /// The wire form of a query keeps vectors bit for bit.
    @Test func shardQueryRoundTripsExactly() throws {
        let vector: [Float] = [0.1, -1e-30, .pi, 1 / 3, -0]
        var options = QueryOptions(k: 7, nprobe: 5)
        options.filter = try CatalogFilter(parsing: "kind=image,tag=cat")
        let query = ShardQuery(vectors: [vector, vector.reversed()], excludedID: "x", text: "cat", textEmbedding: vector, options: options)
        let decoded = try JSONDecoder().decode(ShardQuery.self, from: JSONEncoder().encode(query))
        #expect(decoded.vectors.map { $0.map(\.bitPattern) } == query.vectors.map { $0.map(\.bitPattern) })
        #expect(decoded == query)
        #expect(decoded.options.k == 7 && decoded.options.nprobe == 5 && decoded.options.filter == options.filter)
    }
}
