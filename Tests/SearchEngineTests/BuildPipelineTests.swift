import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// The build writes a chunk's rows while the next chunk is being embedded: duplicates and reused ids
/// must still be caught across that boundary, and every item must get its own text vector.
@Suite(.serialized) struct BuildPipelineTests {
    @Test func aCopyInTheNextChunkIsADuplicateAndTextVectorsMatchTheirItems() throws {
        let scratch = try TemporaryDirectory("vs-pipeline")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        // Sorted input order: a-apple, b-apple-copy (same bytes, next chunk at batch 1), c-baboon, d-fruits.
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder, as: "a-apple.jpg")
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder, as: "b-apple-copy.jpg")
        try BuildFixtures.copy(BuildFixtures.sample("baboon.jpg"), to: folder, as: "c-baboon.jpg")
        try BuildFixtures.copy(BuildFixtures.sample("fruits.jpg"), to: folder, as: "d-fruits.jpg")
        let index = IndexDirectory(path: scratch.file("index"))
        let entries = try BuildInput.entries(input: folder).entries
        let summary = try BuildFixtures.builder(index, batchSize: 1).build(entries: entries, inputDescription: folder)

        #expect(summary.items == 3 && summary.vectors == 3 && summary.embeddedImages == 3)
        #expect(summary.duplicates.map { ($0.input as NSString).lastPathComponent } == ["b-apple-copy.jpg"])

        let text = try BuildFixtures.models.get().text
        let searcher = try QueryEngine(index: index, textEncoder: text)
        #expect(searcher.snapshot.text.vectorCount == 3)
        // Each item's stored text vector is the one of its own text: recomputed, it finds that item first.
        let items = try searcher.snapshot.catalog.items(keys: Array(ItemKey(1)...ItemKey(16)))
        #expect(items.count == 3)
        for item in items.values {
            let vector = try #require(TextSearchIndex.textVectors(of: [item], encoder: text).first ?? nil)
            let best = try #require(searcher.snapshot.text.semanticSearch(vector, k: 1).first)
            #expect(best.key == (try searcher.snapshot.catalog.key(id: item.id)), "item \(item.source)")
            #expect(best.score > 0.99)
        }
    }

    /// A write-only text index (as a build opens it) keeps no vectors in memory; they are in the catalog
    /// and a searchable index opened on it finds them.
    @Test func aWriteOnlyTextIndexStoresVectorsWithoutKeepingThem() throws {
        let scratch = try TemporaryDirectory("vs-writeonly")
        defer { scratch.remove() }
        let text = try BuildFixtures.models.get().text
        let items = [CatalogItem(id: "a", kind: .image, source: "a.jpg", title: "a red apple on a table"),
                     CatalogItem(id: "b", kind: .image, source: "b.jpg", title: "a mandrill's face")]
        let writer = try TextSearchIndex(directory: URL(fileURLWithPath: scratch.path), encoder: text, searchable: false)
        try writer.add(items)
        #expect(writer.vectorCount == 0)
        let reader = try TextSearchIndex(directory: URL(fileURLWithPath: scratch.path), encoder: text)
        #expect(reader.vectorCount == 2)
        let best = try #require(reader.semanticSearch(text.embed("an apple"), k: 1).first)
        #expect(best.key == (try reader.catalog.key(id: "a")))
    }
}
