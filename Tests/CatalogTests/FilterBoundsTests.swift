@testable import Catalog
import Foundation
import SearchTesting
import Testing

/// Issue #14 item 1: a filter of ~1,000 tags made SQLite fail with "Expression tree is too large"
/// (reported with the catalog's path and SQL text), and each distinct tag count left one more prepared
/// statement in the connection's cache forever.
@Suite final class FilterBoundsTests {
    private var directories: [URL] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    /// A catalog of 3 items: a (tags t0…t63), b (t0, t1), c (no tags).
    func catalog() throws -> (Catalog, [ItemKey]) {
        let directory = try TextFixtures.temporaryDirectory("filter-bounds")
        directories.append(directory)
        let catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        let many = (0..<64).map { "T\($0)" }
        let keys = try catalog.upsert([
            CatalogItem(id: "a", kind: .image, source: "/a.jpg", title: "alpha", tags: many, addedAt: Date(timeIntervalSince1970: 1)),
            CatalogItem(id: "b", kind: .video, source: "/b.mp4", title: "beta", tags: ["t0", "t1"], duration: 10,
                        addedAt: Date(timeIntervalSince1970: 2)),
            CatalogItem(id: "c", kind: .image, source: "/c.jpg", title: "gamma", addedAt: Date(timeIntervalSince1970: 3)),
        ])
        return (catalog, keys)
    }

    @Test func aThousandTagFilterIsRefusedWithATypedErrorNamingTheLimit() throws {
        let text = (1...1000).map { "tag=a\($0)" }.joined(separator: ",")
        let error = #expect(throws: CatalogError.self) { _ = try CatalogFilter(parsing: text) }
        #expect(error?.subject == "filter")
        #expect(error?.reason.contains("1000 conditions") == true)
        #expect(error?.reason.contains("\(CatalogFilter.maximumConditions)") == true)
        // At the limit it parses.
        let atLimit = (1...CatalogFilter.maximumConditions).map { "tag=a\($0)" }.joined(separator: ",")
        #expect(try CatalogFilter(parsing: atLimit).tags.count == CatalogFilter.maximumConditions)
    }

    @Test func anOversizedFilterBuiltInCodeIsRefusedNotPassedToSQLite() throws {
        let (catalog, _) = try catalog()
        let filter = CatalogFilter(tags: (1...1000).map { "a\($0)" })
        let error = #expect(throws: CatalogError.self) { _ = try catalog.keys(matching: filter) }
        #expect(error?.description.contains(catalog.path) == false, "no file path in a filter error")
        #expect(throws: CatalogError.self) { _ = try catalog.lexicalSearch("alpha", filter: filter) }
    }

    @Test func largeAllowedTagFiltersMatchExactlyTheItemsCarryingEveryTag() throws {
        let (catalog, keys) = try catalog()
        let keyA = keys[0], keyB = keys[1]
        let all64 = CatalogFilter(tags: (0..<64).map { "t\($0)" })
        #expect(try catalog.keys(matching: all64) == [keyA])
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["t0", "T1"])) == [keyA, keyB])
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["t0", "t1", "t2"])) == [keyA])
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["t0", "missing"])) == [])
        // Duplicates (any case) count once.
        #expect(try catalog.keys(matching: CatalogFilter(tags: ["t0", "T0", "t1"])) == [keyA, keyB])
        #expect(try catalog.keys(matching: CatalogFilter(kinds: [.video], tags: ["t1"])) == [keyB])
        #expect(try catalog.keys(matching: CatalogFilter(kinds: [])) == [])
        #expect(try catalog.lexicalSearch("alpha", filter: all64).map(\.key) == [keyA])
        #expect(try catalog.lexicalSearch("beta", filter: all64).isEmpty)
        #expect(try catalog.lexicalSearch("beta", filter: CatalogFilter(tags: ["t1", "t0"])).map(\.key) == [keyB])
    }

    @Test func tagCountsDoNotGrowTheStatementCache() throws {
        let (catalog, _) = try catalog()
        for count in 1...64 {
            _ = try catalog.keys(matching: CatalogFilter(tags: (0..<count).map { "t\($0)" }))
            _ = try catalog.lexicalSearch("alpha", filter: CatalogFilter(kinds: [.image], tags: (0..<count).map { "t\($0)" }))
        }
        let cached = try catalog.withConnection { $0.cachedStatementCount }
        // Two filter shapes (tags; kind + tags) plus the fixed statements: far below one per count.
        #expect(cached < 32, "\(cached) statements cached")
    }

    @Test func theStatementCacheEvictsTheLeastRecentlyUsed() throws {
        let directory = try TextFixtures.temporaryDirectory("statement-cache")
        directories.append(directory)
        let db = try SQLiteConnection(path: directory.appendingPathComponent("db.sqlite").path, statementCacheCapacity: 4)
        let kept = try db.prepare("SELECT 0")
        for i in 1...100 {
            _ = try db.prepare("SELECT \(i)")
            _ = try db.prepare("SELECT 0")  // kept recently used
            #expect(db.cachedStatementCount <= 4)
        }
        #expect(try db.prepare("SELECT 0") === kept)
        // An evicted statement a caller still holds stays usable.
        let held = try db.prepare("SELECT 42")
        for i in 200...210 { _ = try db.prepare("SELECT \(i)") }
        try held.bind([])
        #expect(try held.step() && held.int(0) == 42)
    }
}
