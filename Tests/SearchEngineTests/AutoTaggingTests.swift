import Catalog
import Embedding
import Foundation
import SearchEngine
import SearchTesting
import Testing

@Suite struct AutoTaggingTests {
    @Test func keepsConfidentLabelsBestFirst() {
        let tags = AutoTagging.tags(labels: [("tiger_cat", 0.41), ("Egyptian_cat", 0.34), ("tabby", 0.17),
                                             ("lynx", 0.015), ("window_screen", 0.001)])
        #expect(tags.map(\.label) == ["tiger_cat", "Egyptian_cat", "tabby"])
        #expect(AutoTagging.tags(labels: [("a", 0.5), ("b", 0.4)], limit: 1).map(\.label) == ["a"])
        #expect(AutoTagging.tags(labels: [("a", .nan), ("b", 0.05)]).isEmpty)
    }

    @Test func videoTagsTakeEachLabelsBestFrame() {
        let tags = AutoTagging.aggregate(frames: [
            [("seashore", 0.6), ("boat", 0.05)],
            [("boat", 0.3), ("seashore", 0.2)],
            [("dog", 0.1), ("cat", 0.1)],
        ])
        #expect(tags.map(\.label) == ["seashore", "boat", "cat", "dog"])
        #expect(tags[1].score == 0.3)
        #expect(AutoTagging.aggregate(frames: []).isEmpty)
    }

    /// An item nobody described is found by its auto-tag, through BM25 and the semantic side.
    @Test func undescribedPhotoIsFoundByItsAutoTags() throws {
        let encoder = try TextEncoder(modelDirectory: TextFixtures.miniLMDirectory)
        let index = try TextSearchIndex(directory: try TextFixtures.temporaryDirectory("autotags"), encoder: encoder)
        try index.add([
            CatalogItem(id: "photo", kind: .image, source: "chelsea.png",
                        autoTags: AutoTagging.tags(labels: [("tiger_cat", 0.41), ("Egyptian_cat", 0.34), ("tabby", 0.17)])),
            CatalogItem(id: "bike", kind: .image, source: "motorcycle.png",
                        autoTags: AutoTagging.tags(labels: [("moped", 0.5), ("motor_scooter", 0.15)])),
            CatalogItem(id: "blank", kind: .image, source: "blank.png"),
        ])
        #expect(index.vectorCount == 2)  // an item with no text at all gets no text vector
        let cat = try index.search("cat", options: QueryOptions(k: 2))
        #expect(cat.first?.id == "photo")
        #expect(cat.first?.sources == ["bm25": 1, "semantic": 1])
        let kitten = try index.search("kitten", options: QueryOptions(k: 1))
        #expect(kitten.first?.id == "photo")
        #expect(try index.search("scooter", options: QueryOptions(k: 1)).first?.id == "bike")
    }
}
