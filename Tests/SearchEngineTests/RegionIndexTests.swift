import Catalog
import Embedding
import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

/// Issue #19 item 6, index side: `--regions grid` stores region vectors beside each image's vector,
/// folds them back into the image, records the layout for later adds, and lets a crop find its photo.
@Suite struct RegionIndexTests {
    static let photos = ["apple.jpg", "baboon.jpg", "butterfly.jpg", "fruits.jpg", "orange.jpg", "smarties.png", "squirrel_cls.jpg"]

    static func build(_ scratch: TemporaryDirectory, regions: RegionLayout, photos: [String] = photos) throws -> IndexDirectory {
        let folder = scratch.file("media")
        for name in photos { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        let (image, text) = try BuildFixtures.models.get()
        var options = BuildOptions(batchSize: 4, threads: 2)
        options.regions = regions
        _ = try IndexBuilder(index: index, imageEncoder: image, textEncoder: text, options: options)
            .build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        return index
    }

    /// How many vectors (frames 0, 1, …) item `id` has in the visual index.
    static func vectorCount(_ id: String, _ snapshot: IndexSnapshot) throws -> Int {
        let key = try #require(try snapshot.catalog.key(id: id))
        let ids = Set((0..<16).map { VisualVectorID.make(key: key, frame: $0) })
        return try #require(snapshot.visual).storedVectors(ids: ids).count
    }

    @Test func aGridIndexHoldsTheRegionsAndACropFindsItsPhoto() throws {
        let scratch = try TemporaryDirectory("vs-regions")
        let index = try Self.build(scratch, regions: .grid)
        let snapshot = try IndexSnapshot(index: index)
        #expect(try VersionRecords.regions.read(snapshot.versionDirectory) == .grid)
        let keys = Array(try snapshot.catalog.keys(matching: CatalogFilter(kinds: [.image])) ?? [])
        let items = try snapshot.catalog.items(keys: keys).values
        #expect(items.count == Self.photos.count)
        for item in items { #expect(try Self.vectorCount(item.id, snapshot) == 1 + RegionLayout.grid.boxes.count) }

        // Each photo: its crop and the photo itself find it first; hits are items, never one per region.
        let (image, _) = try BuildFixtures.models.get()
        let engine = QueryEngine(snapshot: snapshot, models: QueryModels(image: image))
        for name in Self.photos {
            let path = BuildFixtures.sample(name)
            let id = try #require(items.first { ($0.source as NSString).lastPathComponent == name }?.id)
            let crop = try ImageTransform.crop.apply(try ImageDecoder.decode(path: path))
            let vector = try image.encode(modelInputs: [ImageEncoder.modelInput(crop)])[0].embedding
            let hits = try engine.hits(for: SearchRequest(image: .embedding(vector), options: QueryOptions(k: 10)))
            #expect(hits.first?.id == id, "\(name)")
            #expect(Set(hits.map(\.id)).count == hits.count)
            let itself = try engine.hits(for: SearchRequest(image: .file(path: path), options: QueryOptions(k: 3)))
            #expect(itself.first?.id == id)
        }
        // "More like this" searches with the whole-image vector only: the item is left out, others come back.
        let some = try #require(items.first)
        let more = try engine.hits(for: SearchRequest(item: ItemQuery(id: some.id), options: QueryOptions(k: 3)))
        #expect(!more.isEmpty && !more.contains { $0.id == some.id })
    }

    @Test func anAddFollowsTheRecordedLayoutAndAPlainIndexHasNoRegions() throws {
        let scratch = try TemporaryDirectory("vs-regions-add")
        let index = try Self.build(scratch, regions: .grid, photos: ["apple.jpg", "baboon.jpg"])
        let (image, text) = try BuildFixtures.models.get()
        let extra = scratch.file("extra")
        try BuildFixtures.copy(BuildFixtures.sample("orange.jpg"), to: extra)
        let run = try IndexMaintenance.ingest([BuildEntry(path: extra + "/orange.jpg", id: "added-orange")], into: index,
                                              imageEncoder: image, textEncoder: text)
        #expect(run.summary.indexed == 1)
        #expect(try Self.vectorCount("added-orange", try IndexSnapshot(index: index)) == 1 + RegionLayout.grid.boxes.count)

        let plainScratch = try TemporaryDirectory("vs-regions-none")
        let plain = try Self.build(plainScratch, regions: .none, photos: ["apple.jpg"])
        let snapshot = try IndexSnapshot(index: plain)
        #expect(try VersionRecords.regions.read(snapshot.versionDirectory) == .none)
        let key = try #require(try snapshot.catalog.keys(matching: CatalogFilter(kinds: [.image]))?.first)
        let id = try #require(try snapshot.catalog.items(keys: [key])[key]?.id)
        #expect(try Self.vectorCount(id, snapshot) == 1)
    }
}
