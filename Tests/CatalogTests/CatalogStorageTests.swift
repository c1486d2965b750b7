import Catalog
import CSQLite
import Foundation
import SearchTesting
import Testing

@Suite struct CatalogStorageTests {
    func freshPath() throws -> String {
        try TextFixtures.temporaryDirectory("catalog").appendingPathComponent("catalog.sqlite").path
    }

    @Test func itemsRoundTripAndSurviveReopening() throws {
        let path = try freshPath()
        let photo = CatalogItem(id: "img-1", kind: .image, source: "/photos/cat.jpg", title: "Sleepy",
                                description: "On the sofa", tags: ["Home", "pets"], width: 640, height: 480,
                                addedAt: Date(timeIntervalSince1970: 1_700_000_000.25), contentHash: "abc123",
                                autoTags: [AutoTag(label: "tabby", score: 0.7), AutoTag(label: "Egyptian_cat", score: 0.2)])
        let clip = CatalogItem(id: "vid-1", kind: .video, source: "file:///v/harbour.mp4", title: "Harbour",
                               duration: 42.5, addedAt: Date(timeIntervalSince1970: 1_600_000_000))
        do {
            let catalog = try Catalog(path: path)
            let keys = try catalog.upsert([photo, clip])
            #expect(keys.count == 2 && keys[0] != keys[1])
            try catalog.addFrames([VideoFrame(videoID: "vid-1", timestamp: 1.5, vectorID: 10),
                                   VideoFrame(videoID: "vid-1", timestamp: 0.5, vectorID: 11)])
        }
        let reopened = try Catalog(path: path)
        #expect(try reopened.storedSchemaVersion() == Catalog.schemaVersion)
        #expect(try reopened.item(id: "img-1") == photo)
        #expect(try reopened.item(id: "vid-1") == clip)
        #expect(try reopened.item(contentHash: "abc123")?.id == "img-1")
        #expect(try reopened.frames(videoID: "vid-1").map(\.vectorID) == [11, 10])
        #expect(try reopened.count() == 2)
        #expect(try reopened.count(kind: .video) == 1)
    }

    @Test func upsertKeepsTheKeyAndReplacesEverything() throws {
        let catalog = try Catalog(path: try freshPath())
        var item = CatalogItem(id: "a", kind: .image, source: "a.jpg", title: "zebra crossing", tags: ["street"])
        let first = try catalog.upsert([item])[0]
        item.title = "giraffe"
        item.tags = ["zoo"]
        let second = try catalog.upsert([item])[0]
        #expect(first == second)
        #expect(try catalog.item(id: "a")?.title == "giraffe")
        #expect(try catalog.lexicalSearch("zebra").isEmpty)
        #expect(try catalog.lexicalSearch("giraffe").map(\.key) == [first])
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["street"]))?.isEmpty == true)
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["ZOO"])) == [first])
    }

    @Test func removeDeletesItemAndItsIndexEntries() throws {
        let catalog = try Catalog(path: try freshPath())
        try catalog.upsert([CatalogItem(id: "v", kind: .video, source: "v.mp4", title: "volcano eruption")],
                           textVectors: [[Float](repeating: 0.5, count: 4)], textModel: "m")
        try catalog.addFrames([VideoFrame(videoID: "v", timestamp: 0, vectorID: 1)])
        #expect(try catalog.remove(id: "v"))
        #expect(try catalog.remove(id: "v") == false)
        #expect(try catalog.item(id: "v") == nil)
        #expect(try catalog.lexicalSearch("volcano").isEmpty)
        #expect(try catalog.frames(videoID: "v").isEmpty)
        #expect(try catalog.textVectors(model: "m", dimension: 4).keys.isEmpty)
    }

    @Test func textVectorsRoundTripAndWrongSizesAreNamed() throws {
        let catalog = try Catalog(path: try freshPath())
        let keys = try catalog.upsert(
            [CatalogItem(id: "x", kind: .image, source: "x"), CatalogItem(id: "y", kind: .image, source: "y")],
            textVectors: [[1, -2, 3.5], [0, 0.25, -0]], textModel: "minilm")
        let stored = try catalog.textVectors(model: "minilm", dimension: 3)
        #expect(stored.keys == keys)
        #expect(stored.values == [1, -2, 3.5, 0, 0.25, 0])
        #expect(try catalog.textVectors(model: "other", dimension: 3).keys.isEmpty)
        #expect(throws: CatalogError.self) { _ = try catalog.textVectors(model: "minilm", dimension: 4) }
        #expect(throws: CatalogError.self) {
            try catalog.upsert([CatalogItem(id: "z", kind: .image, source: "z")], textVectors: [], textModel: "m")
        }
    }

    @Test func autoTagsAreSearchableLikeTags() throws {
        let catalog = try Catalog(path: try freshPath())
        let keys = try catalog.upsert([
            CatalogItem(id: "undescribed", kind: .image, source: "p.jpg",
                        autoTags: [AutoTag(label: "tiger_cat", score: 0.41), AutoTag(label: "window_screen", score: 0.05)]),
            CatalogItem(id: "dog", kind: .image, source: "d.jpg", title: "a dog in the park"),
        ])
        #expect(try catalog.lexicalSearch("cat").map(\.key) == [keys[0]])
    }

    @Test func invalidWritesAreRejectedWithoutPartialEffects() throws {
        let catalog = try Catalog(path: try freshPath())
        #expect(throws: CatalogError.self) {
            try catalog.upsert([CatalogItem(id: "ok", kind: .video, source: "a"),
                                CatalogItem(id: "bad", kind: .video, source: "b", duration: -.infinity)])
        }
        #expect(throws: CatalogError.self) { try catalog.upsert([CatalogItem(id: "", kind: .image, source: "a")]) }
        #expect(throws: CatalogError.self) {
            try catalog.addFrames([VideoFrame(videoID: "missing", timestamp: 0, vectorID: 1)])
        }
        #expect(try catalog.count() == 0)
        // A failing batch rolls back the items written before the failure in the same transaction.
        try catalog.upsert([CatalogItem(id: "vid", kind: .video, source: "v")])
        #expect(throws: CatalogError.self) {
            try catalog.addFrames([VideoFrame(videoID: "vid", timestamp: 0, vectorID: 1),
                                   VideoFrame(videoID: "missing", timestamp: 0, vectorID: 2)])
        }
        #expect(try catalog.frames(videoID: "vid").isEmpty)
    }

    @Test func refusesNewerSchemaAndNonDatabaseFiles() throws {
        let path = try freshPath()
        _ = try Catalog(path: path)
        // Bump user_version behind the catalog's back, as a newer build would.
        try rawExecute(path: path, "PRAGMA user_version = 99")
        let error = #expect(throws: CatalogError.self) { _ = try Catalog(path: path) }
        #expect(error?.description.contains("99") == true)

        let junk = try freshPath()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
        let junkError = #expect(throws: (any Error).self) { _ = try Catalog(path: junk) }
        #expect(String(describing: junkError!).contains(junk))
    }

    @Test func usesWriteAheadLogging() throws {
        let path = try freshPath()
        let catalog = try Catalog(path: path)
        try catalog.upsert([CatalogItem(id: "a", kind: .image, source: "a")])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }
}

/// Runs SQL on a catalog file directly through the SQLite C API (to simulate another build's writes).
func rawExecute(path: String, _ sql: String) throws {
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK else { throw CatalogError(subject: path, reason: "open failed") }
    defer { sqlite3_close(db) }
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw CatalogError(subject: path, reason: "exec failed") }
}
