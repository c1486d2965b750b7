import Catalog
import Embedding
import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing

/// Issue #19 item 7: concept vectors are built with every item, searched by text queries as their own
/// `concepts` source (one machine and the cluster's two steps), weighable, and absent without harm.
@Suite struct ConceptSearchTests {
    static func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0 * $1.1) } }

    @Test func everyItemGetsTheConceptVectorOfItsClassProbabilities() throws {
        let index = try SearchFeatureFixtures.shared.get()
        let snapshot = try IndexSnapshot(index: index)
        let items = try snapshot.catalog.keys(matching: CatalogFilter(kinds: Set(ItemKind.allCases))) ?? []
        #expect(snapshot.concepts.count == items.count)

        // Recompute one photo's vector from its CNN outputs on the query path.
        let (image, text) = try BuildFixtures.models.get()
        let decoded = try ImageDecoder.decode(path: BuildFixtures.sample("butterfly.jpg"),
                                              options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        let encoding = image.encode(images: [decoded])[0]
        let expected = try #require(ConceptSpace(classTexts: ConceptSpace.classTexts(classNames: image.classNames), textEncoder: text).vector(logits: encoding.logits))
        let butterfly = try #require(try Self.id(titled: "butterfly", in: snapshot))
        let key = try #require(try snapshot.catalog.key(id: butterfly))
        let stored = try #require(try snapshot.catalog.conceptVector(key: key, dimension: TextSearchIndex.textDimension))
        #expect(Self.dot(stored, expected) > 0.999)
    }

    static func id(titled title: String, in snapshot: IndexSnapshot) throws -> String? {
        let keys = Array(try snapshot.catalog.keys(matching: CatalogFilter(kinds: Set(ItemKind.allCases))) ?? [])
        return try snapshot.catalog.items(keys: keys).values.first { $0.title == title }?.id
    }

    @Test func aTextQueryRanksItemsByTheCosineOfItsEmbeddingAndTheirConceptVectors() throws {
        let index = try SearchFeatureFixtures.shared.get()
        let engine = try SearchFeatureFixtures.engine(index)
        let query = "insect"
        let hits = try engine.hits(for: SearchRequest(text: query, options: QueryOptions(k: 100)))
        let withConcepts = hits.filter { $0.sources["concepts"] != nil }
        #expect(withConcepts.count == engine.snapshot.concepts.count)

        // Each concept score is the cosine of the query's MiniLM embedding and the stored vector, and the
        // concept ranks follow those scores.
        let embedding = try engine.models.embed(text: query)
        for hit in withConcepts {
            let key = try #require(try engine.snapshot.catalog.key(id: hit.id))
            let stored = try #require(try engine.snapshot.catalog.conceptVector(key: key, dimension: TextSearchIndex.textDimension))
            #expect(abs((hit.scores["concepts"] ?? .nan) - Self.dot(embedding, stored)) < 1e-4)
        }
        let byRank = withConcepts.sorted { $0.sources["concepts"]! < $1.sources["concepts"]! }
        #expect(byRank.map { $0.sources["concepts"]! } == Array(1...byRank.count))
        for (a, b) in zip(byRank, byRank.dropFirst()) { #expect(a.scores["concepts"]! >= b.scores["concepts"]! - 1e-6) }
    }

    @Test func weightZeroLeavesTheSourceOutAndAWeightMovesTheFusedOrder() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let off = QueryOptions(k: 100, fusion: ReciprocalRankFusion(weights: [.concepts: 0]))
        let hits = try engine.hits(for: SearchRequest(text: "insect", options: off))
        #expect(!hits.isEmpty && hits.allSatisfy { $0.sources["concepts"] == nil && $0.scores["concepts"] == nil })

        // Only concepts: the fused order is the concept ranking.
        let only = QueryOptions(k: 100, fusion: ReciprocalRankFusion(weights: [.bm25: 0, .semantic: 0, .concepts: 1]))
        let conceptOrder = try engine.hits(for: SearchRequest(text: "insect", options: only))
            .filter { $0.sources["concepts"] != nil }
        #expect(conceptOrder.map { $0.sources["concepts"]! } == Array(1...conceptOrder.count))
    }

    @Test func theClusterStepsCarryTheConceptsSourceLikeOneMachine() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let request = SearchRequest(text: "a fruit", options: QueryOptions(k: 5))
        let candidates = try engine.candidates(for: try engine.shardQuery(for: request))
        let concepts = try #require(candidates[.concepts])
        #expect(concepts.count == engine.snapshot.concepts.count)
        // JSON round trip (a replica's answer) keeps the source.
        let decoded = try JSONDecoder().decode(ShardCandidates.self, from: try JSONEncoder().encode(candidates))
        #expect(decoded[.concepts] == concepts)
        let assembled = QueryEngine.assemble([decoded], options: request.options, hasText: true)
        let local = try engine.hits(for: request)
        #expect(assembled.map(\.id) == local.map(\.id))
        #expect(assembled.map { $0.sources["concepts"] } == local.map { $0.sources["concepts"] })
        #expect(assembled.contains { $0.sources["concepts"] != nil })
    }

    @Test func anIndexWithoutConceptVectorsStillAnswersWithoutTheSource() throws {
        let scratch = try TemporaryDirectory("vs-concepts-old")
        let index = try SearchFeatureFixtures.build(in: scratch)
        // What an index written before concept vectors looks like to a reader: the table is absent.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [try IndexSnapshot.resolve(index).path + "/" + TextSearchIndex.catalogFileName, "DROP TABLE concept_vectors"]
        try sqlite.run()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0)
        let engine = try SearchFeatureFixtures.engine(index)
        #expect(engine.snapshot.concepts.count == 0)
        let hits = try engine.hits(for: SearchRequest(text: "an orange", options: QueryOptions(k: 10)))
        #expect(!hits.isEmpty)
        #expect(hits.allSatisfy { $0.sources["concepts"] == nil })
    }
}
