import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

/// One ingest path: manifests naming files by `path`, builds whose inputs all fail, live adds carried
/// over by the next build (or dropped with `replace`), and `--from-index` re-embedding.
@Suite(.serialized) struct IngestOutcomeTests {
    /// JSON Lines manifests name their file by `path` or `source`, as a path or a `file://` URI; a line
    /// with neither is refused with a reason saying so.
    @Test func aManifestNamingFilesByPathBuilds() throws {
        let scratch = try TemporaryDirectory("vs-path-manifest")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        try """
            {"path":"apple.jpg","id":"apple","title":"An apple","tags":["fruit"]}
            {"path":"file://\(folder)/baboon.jpg","kind":"image"}
            {"source":"fruits.jpg","id":"fruits"}
            {"id":"nothing","title":"no file named"}
            """.write(toFile: folder + "/items.jsonl", atomically: true, encoding: .utf8)
        let listed = try BuildInput.entries(input: folder + "/items.jsonl")
        #expect(listed.entries.map { ($0.path as NSString).lastPathComponent } == ["apple.jpg", "baboon.jpg", "fruits.jpg"])
        #expect(listed.rejected.count == 1)
        #expect(listed.rejected.first?.code == .badManifestLine)
        #expect(listed.rejected.first?.reason.contains("\"path\"") == true)

        let index = IndexDirectory(path: scratch.file("index"))
        let summary = try BuildFixtures.builder(index).build(entries: listed.entries, rejected: listed.rejected, inputDescription: "path")
        #expect(summary.version == 1 && summary.items == 3 && summary.indexed == 3)
        #expect(summary.failures.map(\.code) == [.badManifestLine])
        let catalog = try QueryEngine(index: index, textEncoder: try BuildFixtures.models.get().text).snapshot.catalog
        #expect(try catalog.item(id: "apple")?.title == "An apple")
        #expect(try catalog.item(id: "apple")?.tags == ["fruit"])
    }

    /// Every input fails: no version is published, no staging is left behind, and the report in the
    /// index directory names each input with its reason and code.
    @Test func aBuildWhereEveryInputFailsReportsEachAndPublishesNothing() throws {
        let scratch = try TemporaryDirectory("vs-all-fail")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: BuildFixtures.sample("baboon.jpg")))
        try jpeg.prefix(2000).write(to: URL(fileURLWithPath: folder + "/broken.jpg"))
        let entries = [BuildEntry(path: folder + "/broken.jpg"), BuildEntry(path: folder + "/missing.png")]
        let index = IndexDirectory(path: scratch.file("index"))
        let summary = try BuildFixtures.builder(index).build(entries: entries, inputDescription: "fails")

        #expect(summary.version == nil)
        #expect(summary.failures.map(\.code) == [.undecodableMedia, .notFound])
        #expect(try index.currentVersion() == nil)
        #expect(!FileManager.default.fileExists(atPath: index.stagingDirectory))
        let data = try Data(contentsOf: URL(fileURLWithPath: index.path + "/" + IndexDirectory.reportFileName))
        let report = try JSONDecoder().decode(BuildSummary.self, from: data)
        #expect(report.failures == summary.failures)
        #expect(report.failures.map { ($0.input as NSString).lastPathComponent } == ["broken.jpg", "missing.png"])
        #expect(report.failures.allSatisfy { !$0.reason.isEmpty })
    }

    /// An item added to the serving version survives the next build with the very vector it had (no
    /// re-embedding) and is found by search; a build with `replace` drops it and counts it.
    @Test func liveAddsAreCarriedOverAndReplaceDropsThem() throws {
        let scratch = try TemporaryDirectory("vs-carry")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        let entries = try BuildInput.entries(input: folder).entries
        _ = try BuildFixtures.builder(index).build(entries: entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let butterfly = BuildFixtures.sample("butterfly.jpg")
        let added = try IndexMaintenance.ingest([BuildEntry(path: butterfly, id: "butterfly", title: "A butterfly")], into: index,
                                                imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(added.records.map(\.outcome) == [.indexed(id: "butterfly")])
        let before = try Self.storedVector(of: "butterfly", in: index)

        let rebuilt = try BuildFixtures.builder(index).build(entries: entries, inputDescription: folder)
        #expect(rebuilt.version == 2 && rebuilt.carriedOver == 1 && rebuilt.dropped == nil)
        #expect(rebuilt.items == 3 && rebuilt.vectors == 3 && rebuilt.embeddedImages == 2)
        #expect(try Self.storedVector(of: "butterfly", in: index) == before)
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        let query = try embedImage(butterfly, imageEncoder)
        #expect(try searcher.search(embedding: query, text: nil, options: QueryOptions(k: 1)).first?.id == "butterfly")
        #expect(try searcher.search(embedding: nil, text: "a butterfly", options: QueryOptions(k: 1)).first?.id == "butterfly")

        let builder = IndexBuilder(index: index, imageEncoder: imageEncoder, textEncoder: textEncoder,
                                   options: BuildOptions(batchSize: 4, threads: 2, replace: true))
        let replaced = try builder.build(entries: entries, inputDescription: folder)
        #expect(replaced.version == 3 && replaced.dropped == 1 && replaced.carriedOver == 0)
        #expect(replaced.items == 2)
        #expect(try QueryEngine(index: index, textEncoder: textEncoder).snapshot.catalog.item(id: "butterfly") == nil)
    }

    /// A video added live is carried over with every frame: the same timestamps and the same vectors.
    @Test func aLiveVideoIsCarriedOverWithItsFrames() throws {
        let scratch = try TemporaryDirectory("vs-carry-video")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder)
        let index = IndexDirectory(path: scratch.file("index"))
        let entries = try BuildInput.entries(input: folder).entries
        _ = try BuildFixtures.builder(index).build(entries: entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let added = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.video("bbb-4s.mp4"), id: "bunny")], to: index,
                                             imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(added.indexed == 1 && added.embeddedFrames >= 2)
        let before = try Self.frames(of: "bunny", in: index)

        let rebuilt = try BuildFixtures.builder(index).build(entries: entries, inputDescription: folder)
        #expect(rebuilt.carriedOver == 1 && rebuilt.embeddedFrames == 0)
        #expect(rebuilt.videos == 1 && rebuilt.frames == added.embeddedFrames && rebuilt.vectors == 1 + added.embeddedFrames)
        let after = try Self.frames(of: "bunny", in: index)
        #expect(after.map(\.timestamp) == before.map(\.timestamp))
        #expect(after.map(\.vector) == before.map(\.vector))
    }

    /// A serving item whose content the new build holds under another id is not copied twice: it is
    /// reported as a duplicate.
    @Test func carriedOverContentAlreadyInTheBuildIsADuplicate() throws {
        let scratch = try TemporaryDirectory("vs-carry-dup")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder)
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        _ = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("orange.jpg"), id: "orange")], to: index,
                                     imageEncoder: imageEncoder, textEncoder: textEncoder)
        // The next build's folder holds the orange too (its id is derived from the content, not "orange").
        try BuildFixtures.copy(BuildFixtures.sample("orange.jpg"), to: folder)
        let rebuilt = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        #expect(rebuilt.carriedOver == 0 && rebuilt.items == 2)
        #expect(rebuilt.duplicates.count == 1 && rebuilt.duplicates.first?.code == .duplicate)
        #expect(rebuilt.duplicates.first?.reason.contains("'orange'") == true)
    }

    /// `rebuildServingVersion` (`vsearch build --from-index`) embeds every serving item again, added
    /// ones included, keeping ids and metadata.
    @Test func fromIndexEmbedsEveryServingItemAgain() throws {
        let scratch = try TemporaryDirectory("vs-from-index")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        _ = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("butterfly.jpg"), id: "butterfly", title: "A butterfly")],
                                     to: index, imageEncoder: imageEncoder, textEncoder: textEncoder)

        let rebuilt = try BuildFixtures.builder(index).rebuildServingVersion()
        #expect(rebuilt.version == 2)
        #expect(rebuilt.embeddedImages == 3 && rebuilt.indexed == 3 && rebuilt.carriedOver == 0)
        #expect(rebuilt.items == 3 && rebuilt.vectors == 3)
        let catalog = try QueryEngine(index: index, textEncoder: textEncoder).snapshot.catalog
        #expect(try catalog.item(id: "butterfly")?.title == "A butterfly")
    }

    /// The admission rules give `add` typed outcomes: duplicate, id conflict, unsupported, not found.
    @Test func addEndsEachInputInATypedOutcome() throws {
        let scratch = try TemporaryDirectory("vs-add-outcomes")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder)
        try Data("not media\n".utf8).write(to: URL(fileURLWithPath: scratch.file("notes.txt")))
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let appleID = try #require(try QueryEngine(index: index, textEncoder: textEncoder).snapshot.catalog
            .item(contentHash: ContentHash.sha256(path: BuildFixtures.sample("apple.jpg")))?.id)
        let run = try IndexMaintenance.ingest([
            BuildEntry(path: BuildFixtures.sample("apple.jpg"), id: "another-apple"),
            BuildEntry(path: BuildFixtures.sample("orange.jpg"), id: appleID),
            BuildEntry(path: scratch.file("notes.txt")),
            BuildEntry(path: scratch.file("missing.jpg")),
        ], into: index, imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(run.records.map(\.outcome.code) == [.duplicate, .idConflict, .unsupportedMedia, .notFound])
        guard case .duplicate(let existing, _) = run.records[0].outcome else { Issue.record("\(run.records[0])"); return }
        #expect(existing == appleID)
        #expect(run.summary.indexed == 0 && run.summary.failures.map(\.code) == [.idConflict, .notFound])
    }

    /// The frames of video `id` in the serving version, in time order, with their stored vectors.
    static func frames(of id: String, in index: IndexDirectory) throws -> [(timestamp: Double, vector: [Float])] {
        let serving = try index.servingDirectory()
        let frames = try Catalog(path: serving + "/" + TextSearchIndex.catalogFileName).frames(videoID: id)
        let table = try IVFIndex.open(directory: serving + "/" + IndexDirectory.visualFolder).liveVectors()
        return try frames.sorted { $0.timestamp < $1.timestamp }.map { frame in
            let row = try #require(table.ids.firstIndex(of: frame.vectorID))
            return (frame.timestamp, table.vector(row))
        }
    }

    /// The stored fp32 visual vector of item `id` in the serving version.
    static func storedVector(of id: String, in index: IndexDirectory) throws -> [Float] {
        let serving = try index.servingDirectory()
        let key = try #require(try Catalog(path: serving + "/" + TextSearchIndex.catalogFileName).key(id: id))
        let table = try IVFIndex.open(directory: serving + "/" + IndexDirectory.visualFolder).liveVectors()
        let row = try #require(table.ids.firstIndex(of: VisualVectorID.make(key: key, frame: 0)))
        return table.vector(row)
    }
}
