import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// `vsearch add` killed (SIGKILL, via the `VSEARCH_CRASH_POINT` fault-injection hook) between its
/// durable steps: the index never holds an item that is searchable by text without its vectors, and
/// the next add undoes the unfinished one and then indexes the file completely, once.
@Suite struct AddCrashTests {
    @Test(arguments: ["add.key-reserved", "add.vectors-written", "add.catalog-written"])
    func killedAddIsUndoneAndRedone(point: String) throws {
        let vsearch = CommandLineRunner.vsearchPath
        try #require(FileManager.default.isExecutableFile(atPath: vsearch), "vsearch not built at \(vsearch)")
        let scratch = try TemporaryDirectory("vs-addkill")
        defer { scratch.remove() }
        let index = try Self.twoPhotoIndex(in: scratch)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let butterfly = BuildFixtures.sample("butterfly.jpg")

#expect(try CrashPointRunner.killed(["add", "--index", index.path, butterfly], at: point), "killed at \(point)")

        // Right after the crash: an item in the catalog has its vector; nothing is findable by text alone.
        let crashed = try QueryEngine(index: index, textEncoder: textEncoder)
        let items = try crashed.snapshot.catalog.count()
        #expect(crashed.snapshot.visual?.count ?? 0 >= items, "\(point): \(items) items but \(crashed.snapshot.visual?.count ?? 0) vectors")

        // The next add repairs, then indexes the file: exactly one butterfly, with exactly one vector.
        let added = try IndexMaintenance.add([BuildEntry(path: butterfly, title: "A butterfly")], to: index,
                                             imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(added.indexed == 1 && added.duplicates.isEmpty, "\(point): \(added.duplicates)")
        #expect(added.items == 3 && added.vectors == 3, "\(point): \(added.items) items, \(added.vectors) vectors")
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        #expect(try searcher.snapshot.catalog.pendingAdds().isEmpty)
        let query = try embedImage(butterfly, imageEncoder)
        let found = try searcher.search(embedding: query, text: nil, options: QueryOptions(k: 3))
        #expect(found.first?.path == butterfly && found.filter { $0.path == butterfly }.count == 1)
    }

    /// A video add killed after its frames were recorded but before its reservation was cleared (the last
    /// pair of steps, reached only by videos): right after, every catalog item has its vectors; the next add
    /// undoes the unfinished one and indexes the video once, with one vector per recorded frame.
    @Test func killedVideoAddAfterItsFramesIsUndoneAndRedone() throws {
        let scratch = try TemporaryDirectory("vs-addkill-video")
        defer { scratch.remove() }
        let index = try Self.twoPhotoIndex(in: scratch)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let video = BuildFixtures.sample("megamind-10s.mp4")
        #expect(try CrashPointRunner.killed(["add", "--index", index.path, "--threads", "1", video], at: "add.frames-written"))

        let afterCrash = try QueryEngine(index: index, textEncoder: textEncoder)
        let pending = try afterCrash.snapshot.catalog.pendingAdds()
        #expect(pending.count == 1, "the unfinished add is still reserved: \(pending)")
        #expect(afterCrash.snapshot.visual?.count ?? 0 >= 2 + (pending.first?.vectors ?? 0))

        let added = try IndexMaintenance.add([BuildEntry(path: video, id: "megamind")], to: index,
                                             imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(added.indexed == 1 && added.items == 3, "\(added.duplicates) \(added.failures)")
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        #expect(try searcher.snapshot.catalog.pendingAdds().isEmpty)
        let frames = try searcher.snapshot.catalog.frames(videoID: "megamind")
        #expect(!frames.isEmpty && added.vectors == 2 + frames.count, "\(added.vectors) vectors, \(frames.count) frames")
        #expect(try searcher.snapshot.catalog.count() == 3)
    }

    /// Keys are never reused: removing the newest item and adding another gives the new one a fresh
    /// key, so its vector ids cannot meet the removed item's tombstones.
    @Test func removedKeysAreNotReused() throws {
        let scratch = try TemporaryDirectory("vs-keys")
        defer { scratch.remove() }
        let index = try Self.twoPhotoIndex(in: scratch)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()

        _ = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("butterfly.jpg"), id: "butterfly")], to: index,
                                     imageEncoder: imageEncoder, textEncoder: textEncoder)
        let catalog = try Catalog(path: try index.servingDirectory() + "/" + TextSearchIndex.catalogFileName)
        let removedKey = try #require(try catalog.key(id: "butterfly"))
        #expect(try IndexMaintenance.remove(id: "butterfly", from: index, textEncoder: textEncoder))
        _ = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("orange.jpg"), id: "orange")], to: index,
                                     imageEncoder: imageEncoder, textEncoder: textEncoder)
        let newKey = try #require(try catalog.key(id: "orange"))
        #expect(newKey > removedKey)

        // The removed butterfly stays gone (its tombstoned vector is not revived), the orange is found.
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        #expect(searcher.snapshot.visual?.count == 3)
        let butterfly = try embedImage(BuildFixtures.sample("butterfly.jpg"), imageEncoder)
        #expect(try searcher.search(embedding: butterfly, text: nil, options: QueryOptions(k: 3)).allSatisfy { $0.id != "butterfly" })
        let orange = try embedImage(BuildFixtures.sample("orange.jpg"), imageEncoder)
        #expect(try searcher.search(embedding: orange, text: nil, options: QueryOptions(k: 1)).first?.id == "orange")
    }

    /// An index built from two sample photos (apple, baboon) in `scratch/index`.
    private static func twoPhotoIndex(in scratch: TemporaryDirectory) throws -> IndexDirectory {
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        return index
    }
}
