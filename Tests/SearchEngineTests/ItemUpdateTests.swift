import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

/// Issue #19 item 4: edits change the metadata, BM25 and the text vector, never the image or frame
/// vectors; an edit killed half-way is completed by the next writer.
@Suite struct ItemUpdateTests {
    static func textIVFVector(_ index: IndexDirectory, key: ItemKey) throws -> [Float]? {
        let ivf = try IVFIndex.open(directory: try index.servingDirectory() + "/" + TextSearchIndex.vectorFolder)
        return try ivf.storedVectors(ids: [key])[key]
    }

    @Test func anEditChangesTextAndKeepsVisualVectors() throws {
        let scratch = try TemporaryDirectory("vs-update")
        defer { scratch.remove() }
        let index = try SearchFeatureFixtures.build(in: scratch)
        let (_, text) = try BuildFixtures.models.get()
        let before = try SearchFeatureFixtures.engine(index)
        let catalog = before.snapshot.catalog
        let baboon = try #require(try catalog.items(matching: try CatalogFilter(parsing: "title~baboon"), limit: 5).first)
        let visualBefore = try #require(before.snapshot.visual).storedVectors(ids: [VisualVectorID.make(key: baboon.key, frame: 0)])
        let textBefore = try #require(try catalog.textVector(key: baboon.key, dimension: 384))
        #expect(try before.hits(for: SearchRequest(text: "zanzibar", options: QueryOptions(k: 3, minSimilarity: 0.99))).isEmpty)

        let edited = try #require(try IndexMaintenance.update(id: baboon.item.id, edit: ItemEdit(title: "Zanzibar mandrill", tags: ["primate", "draft"]),
                                                              in: index, textEncoder: text))
        #expect(edited.title == "Zanzibar mandrill" && edited.tags == ["primate", "draft"] && edited.description == baboon.item.description)
        #expect(edited.autoTags == baboon.item.autoTags && edited.contentHash == baboon.item.contentHash)

        let after = try SearchFeatureFixtures.engine(index)
        // BM25 finds the new title, not the old one; the tag filter sees the new tags.
        let lexical = try after.hits(for: SearchRequest(text: "zanzibar", options: QueryOptions(k: 3, fusion: ReciprocalRankFusion(weights: [.semantic: 0]))))
        #expect(lexical.first?.id == baboon.item.id && lexical.first?.sources["bm25"] == 1)
        #expect(try after.snapshot.catalog.keys(matching: try CatalogFilter(parsing: "title~baboon")) == [])
        #expect(try after.snapshot.catalog.keys(matching: try CatalogFilter(parsing: "title~mandrill")) == [baboon.key])
        #expect(try after.snapshot.catalog.keys(matching: try CatalogFilter(parsing: "tag=draft")) == [baboon.key])
        // The text vector changed (catalog and text IVF alike); the visual vector did not.
        let textAfter = try #require(try after.snapshot.catalog.textVector(key: baboon.key, dimension: 384))
        #expect(textAfter != textBefore)
        #expect(try Self.textIVFVector(index, key: baboon.key) == textAfter)
        #expect(try #require(after.snapshot.visual).storedVectors(ids: [VisualVectorID.make(key: baboon.key, frame: 0)]) == visualBefore)
        #expect(try after.snapshot.visual?.count == before.snapshot.visual?.count)
        // Unknown ids and oversized fields.
        #expect(try IndexMaintenance.update(id: "no-such-item", edit: ItemEdit(title: "x"), in: index, textEncoder: text) == nil)
        let error = #expect(throws: SearchEngineError.self) {
            _ = try IndexMaintenance.update(id: baboon.item.id, edit: ItemEdit(tags: (0..<300).map { "t\($0)" }), in: index, textEncoder: text)
        }
        #expect(error?.subject == "tags" && error?.reason.contains("256") == true)
    }

    @Test(arguments: ["update.catalog-written", "update.text-index-written"])
    func aKilledEditIsCompletedByTheNextWriter(point: String) throws {
        let vsearch = CommandLineRunner.vsearchPath
        try #require(FileManager.default.isExecutableFile(atPath: vsearch), "vsearch not built at \(vsearch)")
        let scratch = try TemporaryDirectory("vs-update-kill")
        defer { scratch.remove() }
        let index = try SearchFeatureFixtures.build(in: scratch)
        let (_, text) = try BuildFixtures.models.get()
        let catalog = try IndexSnapshot(index: index).catalog
        let apple = try #require(try catalog.items(matching: try CatalogFilter(parsing: "title~apple"), limit: 5).first)
        let oldVector = try Self.textIVFVector(index, key: apple.key)

#expect(try CrashPointRunner.killed(["update", "--index", index.path, "--id", apple.item.id, "--title", "Quince on a plate"], at: point),
                "killed at \(point)")

        // The catalog holds the whole edit, marked pending.
        let crashed = try IndexSnapshot(index: index).catalog
        #expect(try crashed.item(id: apple.item.id)?.title == "Quince on a plate")
        #expect(try crashed.pendingTextVectors() == [apple.key])
        let stored = try #require(try crashed.textVector(key: apple.key, dimension: 384))
        if point == "update.catalog-written" { #expect(try Self.textIVFVector(index, key: apple.key) == oldVector) }

        // The next writer (here a remove of another item) brings the text IVF in step and clears the mark.
        let other = try #require(try crashed.items(matching: try CatalogFilter(parsing: "title~baboon"), limit: 1).first)
        #expect(try IndexMaintenance.remove(id: other.item.id, from: index))
        #expect(try Self.textIVFVector(index, key: apple.key) == stored)
        #expect(try IndexSnapshot(index: index).catalog.pendingTextVectors().isEmpty)
        let found = try SearchFeatureFixtures.engine(index).hits(for: SearchRequest(text: "quince", options: QueryOptions(k: 1)))
        #expect(found.first?.id == apple.item.id)
        _ = text
    }
}
