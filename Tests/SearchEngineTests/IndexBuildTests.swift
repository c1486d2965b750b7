import Catalog
import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing
import VideoFrames

@Suite(.serialized) struct IndexBuildTests {
    /// A folder of photos, a video, a renamed copy, a text file and a truncated JPEG: the copy is not
    /// embedded again, the text file is skipped, the broken JPEG is reported with its reason; every photo
    /// finds itself first by image.
    @Test func buildsAFolderAndEachPhotoFindsItself() throws {
        let scratch = try TemporaryDirectory("vs-build")
        defer { scratch.remove() }
        let folder = try BuildFixtures.mediaFolder(in: scratch)
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder + "/renamed", as: "copy-of-apple.jpg")
        try Data("plain text, not media\n".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: BuildFixtures.sample("baboon.jpg")))
        try jpeg.prefix(2000).write(to: URL(fileURLWithPath: folder + "/broken.jpg"))
        // An MP4 cut before its index (moov) atom: a video container nothing can be decoded from.
        let mp4 = try Data(contentsOf: URL(fileURLWithPath: BuildFixtures.video("bbb-4s.mp4")))
        try mp4.prefix(mp4.count / 2).write(to: URL(fileURLWithPath: folder + "/cut.mp4"))

        let index = IndexDirectory(path: scratch.file("index"))
        let input = try BuildInput.entries(input: folder)
        let summary = try BuildFixtures.builder(index).build(entries: input.entries, inputDescription: folder)

        #expect(summary.version == 1)
        #expect(summary.images == 5)
        #expect(summary.videos == 1)
        #expect(summary.embeddedImages == 5)  // the renamed copy was not embedded
        #expect(summary.vectors == 5 + summary.frames)
        #expect(summary.frames == summary.embeddedFrames && summary.frames >= 2)
        #expect(summary.duplicates.map { ($0.input as NSString).lastPathComponent } == ["copy-of-apple.jpg"])
        #expect(summary.skipped.map { ($0.input as NSString).lastPathComponent } == ["notes.txt"])
        #expect(summary.failures.map { ($0.input as NSString).lastPathComponent } == ["broken.jpg", "cut.mp4"])
        #expect(summary.failures.first?.reason.contains("truncated") == true)
        #expect(summary.failures.last?.reason.contains("MP4") == true)
        #expect(try index.currentVersion() == 1)
        #expect(FileManager.default.fileExists(atPath: index.path + "/" + IndexDirectory.reportFileName))
        #expect(!FileManager.default.fileExists(atPath: index.stagingDirectory))

        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        for name in ["apple.jpg", "baboon.jpg", "butterfly.jpg", "fruits.jpg", "smarties.png"] {
            let query = try embedImage(BuildFixtures.sample(name), imageEncoder)
            let results = try searcher.search(embedding: query, text: nil, options: QueryOptions(k: 3))
            #expect(results.first?.path.hasSuffix("/" + name) == true, "query \(name)")
            #expect(results.first?.sources == ["visual": 1])
            #expect(results.count == 3)
        }
        // The video's title tag became its title; text search finds it.
        let byText = try searcher.search(embedding: nil, text: "bunny", options: QueryOptions(k: 1))
        #expect(byText.first?.kind == "video")
        #expect(byText.first?.title == "Big Buck Bunny (excerpt)")
    }

    /// A frame grabbed between the sampled ones, re-encoded as JPEG, finds its video first, at the right
    /// moment.
    @Test func aScreenshotFindsItsVideoAtTheRightMoment() throws {
        let scratch = try TemporaryDirectory("vs-moment")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        try BuildFixtures.copy(BuildFixtures.video("two-shots.webm"), to: folder)
        try BuildFixtures.copy(BuildFixtures.video("bbb-4s.mp4"), to: folder)
        let index = IndexDirectory(path: scratch.file("index"))
        let input = try BuildInput.entries(input: folder)
        _ = try BuildFixtures.builder(index).build(entries: input.entries, inputDescription: folder)

        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()
        let searcher = try QueryEngine(index: index, textEncoder: textEncoder)
        for (video, wanted) in [("bbb-4s.mp4", 2.5), ("two-shots.webm", 3.4)] {
            // Decode every frame at full rate and keep the one nearest `wanted` seconds.
            var grabbed: SampledFrame?
            _ = try FFmpegVideo(path: BuildFixtures.video(video)).sampleFrames(
                policy: SamplingPolicy(interval: 0.01, duplicateThreshold: 0)) { frame in
                if abs(frame.timestamp - wanted) < abs((grabbed?.timestamp ?? .infinity) - wanted) { grabbed = frame }
            }
            let frame = try #require(grabbed)
            let screenshot = scratch.file("shot-\(video).jpg")
            // A user's screenshot: smaller than the video and JPEG-compressed.
            let resized = frame.image.fitted(within: max(frame.image.width, frame.image.height) * 3 / 4)
            #expect(resized.width < frame.image.width)
            try Data(try JPEGEncoder.encode(resized, quality: 85)).write(to: URL(fileURLWithPath: screenshot))
            let query = try embedImage(screenshot, imageEncoder)
            let results = try searcher.search(embedding: query, text: nil, options: QueryOptions(k: 5))
            let top = try #require(results.first)
            #expect(top.path.hasSuffix(video), "\(video): got \(top.path)")
            #expect(top.kind == "video")
            let timestamp = try #require(top.timestamp)
            #expect(abs(timestamp - frame.timestamp) <= 1.0, "\(video): moment \(timestamp) for a frame at \(frame.timestamp)")
            #expect(top.sources["visual"] == 1)
            // Filters apply inside the visual search: images only, or videos only.
            let imagesOnly = try searcher.search(embedding: query, text: nil,
                                                 options: QueryOptions(k: 5, filter: CatalogFilter(kinds: [.image])))
            #expect(imagesOnly.count == 3 && imagesOnly.allSatisfy { $0.kind == "image" && $0.moments.isEmpty })
            let videosOnly = try searcher.search(embedding: query, text: nil,
                                                 options: QueryOptions(k: 5, filter: CatalogFilter(kinds: [.video])))
            #expect(videosOnly.map(\.kind) == ["video", "video"])
        }
    }

    /// A build stopped after a checkpoint resumes: nothing finished is embedded again, nothing is
    /// duplicated, a torn spill tail is dropped, and the previous version serves until the publish.
    @Test func anInterruptedBuildResumesWithoutReembedding() throws {
        let scratch = try TemporaryDirectory("vs-resume")
        defer { scratch.remove() }
        let index = IndexDirectory(path: scratch.file("index"))
        // Version 1: two photos.
        let first = scratch.file("first")
        for name in ["apple.jpg", "orange.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: first) }
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: first).entries, inputDescription: first)

        let folder = try BuildFixtures.mediaFolder(in: scratch)
        let entries = try BuildInput.entries(input: folder).entries
        #expect(throws: IndexBuildError.self) {
            _ = try BuildFixtures.builder(index, batchSize: 2, stopAfter: 2).build(entries: entries, inputDescription: folder)
        }
        // Interrupted: version 1 still serves, the staging directory holds the finished part.
        #expect(try index.currentVersion() == 1)
        #expect(try QueryEngine(index: index, textEncoder: try BuildFixtures.models.get().text).snapshot.catalog.count() == 2)
        // Half a record of garbage at the end, as a crash mid-append leaves it.
        let spill = try FileHandle(forWritingTo: URL(fileURLWithPath: index.stagingDirectory + "/vectors.spill"))
        try spill.seekToEnd()
        try spill.write(contentsOf: Data(repeating: 0xAB, count: 3000))
        try spill.close()
        // A different build must not silently take over the staged one.
        #expect(throws: IndexBuildError.self) {
            _ = try BuildFixtures.builder(index).build(entries: Array(entries.prefix(1)), inputDescription: "other")
        }

        let resumed = try BuildFixtures.builder(index, batchSize: 2).build(entries: entries, inputDescription: folder)
        #expect(resumed.version == 2)
        #expect(resumed.resumed == 2)
        #expect(resumed.embeddedImages == 3)  // 5 photos, 2 finished before the stop
        // Version 1's orange is not among these inputs: carried over with its stored vector.
        #expect(resumed.carriedOver == 1)
        #expect(resumed.videos == 1 && resumed.images == 6)
        #expect(resumed.vectors == 6 + resumed.frames)
        #expect(resumed.duplicates.isEmpty && resumed.failures.isEmpty)
        #expect(try index.versions() == [1, 2])
        let searcher = try QueryEngine(index: index, textEncoder: try BuildFixtures.models.get().text)
        #expect(searcher.snapshot.version == 2)
        #expect(searcher.snapshot.visual?.count == resumed.vectors)
        #expect(try searcher.snapshot.catalog.count() == 7)

        // Rollback serves version 1 again.
        #expect(try IndexMaintenance.rollback(index) == 1)
        #expect(try QueryEngine(index: index, textEncoder: try BuildFixtures.models.get().text).snapshot.catalog.count() == 2)

        // Only the newest `keepVersions` versions stay (never the serving one).
        let builder = IndexBuilder(index: index, imageEncoder: try BuildFixtures.models.get().image,
                                   textEncoder: try BuildFixtures.models.get().text,
                                   options: BuildOptions(batchSize: 4, keepVersions: 1))
        let third = try builder.build(entries: try BuildInput.entries(input: first).entries, inputDescription: first)
        #expect(third.version == 3)
        #expect(try index.versions() == [3])
    }

    /// A manifest giving two different files the same id: the second is refused, not merged.
    @Test func aManifestIdUsedTwiceIsRefused() throws {
        let scratch = try TemporaryDirectory("vs-ids")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "orange.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        try """
            {"id":"a","source":"apple.jpg","title":"Apple"}
            {"id":"a","source":"orange.jpg","title":"Orange"}
            {"id":"f","source":"fruits.jpg"}
            """.write(toFile: folder + "/items.jsonl", atomically: true, encoding: .utf8)
        let index = IndexDirectory(path: scratch.file("index"))
        let listed = try BuildInput.entries(input: folder + "/items.jsonl")
        let summary = try BuildFixtures.builder(index, batchSize: 1).build(entries: listed.entries, inputDescription: "ids")
        #expect(summary.items == 2 && summary.vectors == 2)
        #expect(summary.failures.map { ($0.input as NSString).lastPathComponent } == ["orange.jpg"])
        let searcher = try QueryEngine(index: index, textEncoder: try BuildFixtures.models.get().text)
        #expect(try searcher.snapshot.catalog.item(id: "a")?.title == "Apple")
    }

    /// Killed after the staging directory moved into `versions/` but before `CURRENT` switched: the
    /// same build takes it back and finishes without embedding anything again.
    @Test func aBuildKilledMidPublishIsTakenBack() throws {
        let scratch = try TemporaryDirectory("vs-midpublish")
        defer { scratch.remove() }
        let index = IndexDirectory(path: scratch.file("index"))
        let folder = scratch.file("media")
        for name in ["apple.jpg", "orange.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let entries = try BuildInput.entries(input: folder).entries
        #expect(throws: IndexBuildError.self) {
            _ = try BuildFixtures.builder(index, batchSize: 2, stopAfter: 2).build(entries: entries, inputDescription: folder)
        }
        // The first step of a publish, as a crash right after it leaves things.
        try FileManager.default.createDirectory(atPath: index.versionsDirectory, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: index.stagingDirectory, toPath: index.versionDirectory(1))
        #expect(try index.currentVersion() == nil)

        let summary = try BuildFixtures.builder(index, batchSize: 2).build(entries: entries, inputDescription: folder)
        #expect(summary.version == 1)
        #expect(summary.resumed == 2 && summary.embeddedImages == 1)
        #expect(summary.items == 3 && summary.vectors == 3)
        #expect(!FileManager.default.fileExists(atPath: index.versionDirectory(1) + "/vectors.spill"))
    }

    /// `add` and `remove` change the serving version in place, visible to the next search, no rebuild.
    @Test func addAndRemoveOnALiveIndex() throws {
        let scratch = try TemporaryDirectory("vs-live")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let (imageEncoder, textEncoder) = try BuildFixtures.models.get()

        let added = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("butterfly.jpg"), id: "butterfly", title: "A butterfly")],
                                             to: index, imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(added.indexed == 1 && added.items == 4 && added.vectors == 4)
        // The build wrote the text vectors' IVF; the added item's text vector went into its log.
        #expect(FileManager.default.fileExists(atPath: try index.servingDirectory() + "/" + TextSearchIndex.vectorFolder + "/MANIFEST"))
        let byText = try QueryEngine(index: index, textEncoder: textEncoder)
        #expect(byText.snapshot.text.vectorCount == 4)
        let textHit = try byText.search(embedding: nil, text: "a butterfly", options: QueryOptions(k: 1)).first
        #expect(textHit?.id == "butterfly" && textHit?.sources["semantic"] == 1)
        let again = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("butterfly.jpg"))], to: index,
                                             imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(again.indexed == 0 && again.duplicates.count == 1)
        // Another file under an id already taken is refused (it would share the item's vector ids).
        let taken = try IndexMaintenance.add([BuildEntry(path: BuildFixtures.sample("orange.jpg"), id: "butterfly")], to: index,
                                             imageEncoder: imageEncoder, textEncoder: textEncoder)
        #expect(taken.indexed == 0 && taken.failures.first?.code == .idConflict)

        let query = try embedImage(BuildFixtures.sample("butterfly.jpg"), imageEncoder)
        let found = try QueryEngine(index: index, textEncoder: textEncoder).search(embedding: query, text: nil, options: QueryOptions(k: 2))
        #expect(found.first?.id == "butterfly")

        #expect(try IndexMaintenance.remove(id: "butterfly", from: index, textEncoder: textEncoder))
        #expect(try !IndexMaintenance.remove(id: "butterfly", from: index, textEncoder: textEncoder))
        let after = try QueryEngine(index: index, textEncoder: textEncoder)
        #expect(after.snapshot.visual?.count == 3)
        #expect(try after.search(embedding: query, text: nil, options: QueryOptions(k: 4)).allSatisfy { $0.id != "butterfly" })
        #expect(after.snapshot.text.vectorCount == 3)
        #expect(try after.search(embedding: nil, text: "a butterfly", options: QueryOptions(k: 4)).allSatisfy { $0.id != "butterfly" })

        // Refresh: retrain the coarse quantizer on the live vectors and compact away the tombstone.
        let refreshed = try IndexMaintenance.refresh(index, nlist: 2, threads: 1)
        #expect(refreshed.vectors == 3 && refreshed.nlist == 2)
        let info = try IndexInfo.read(index)
        #expect(info.items == 3 && info.vectors == 3 && info.nlist == 2 && info.version == 1 && info.textVectors == 3)
        let apple = try embedImage(BuildFixtures.sample("apple.jpg"), imageEncoder)
        #expect(try QueryEngine(index: index, textEncoder: textEncoder)
            .search(embedding: apple, text: nil, options: QueryOptions(k: 1)).first?.title == "apple")
        // Refresh into pq4fs with an OPQ rotation: info says so, and re-ranked answers stay exact.
        _ = try IndexMaintenance.refresh(index, nlist: 1, threads: 1, encoding: .pq4fs, pqRotation: true)
        #expect(try IndexInfo.read(index).encoding == "pq4fs m=320 opq")
        #expect(try QueryEngine(index: index, textEncoder: textEncoder)
            .search(embedding: apple, text: nil, options: QueryOptions(k: 1)).first?.title == "apple")
    }

    /// The `CURRENT` manifest is verified: a damaged one is an error naming the file.
    @Test func aDamagedManifestIsReported() throws {
        let scratch = try TemporaryDirectory("vs-manifest")
        defer { scratch.remove() }
        let index = IndexDirectory(path: scratch.path)
        #expect(try index.currentVersion() == nil)
        #expect(throws: IndexBuildError.self) { _ = try index.servingDirectory() }
        try Data(repeating: 7, count: 40).write(to: URL(fileURLWithPath: index.currentFile))
        do {
            _ = try index.currentVersion()
            Issue.record("a damaged CURRENT was accepted")
        } catch let error as IndexBuildError {
            #expect(error.kind == .corruptIndex)
            #expect(error.description.contains("CURRENT"))
        }
    }
}
