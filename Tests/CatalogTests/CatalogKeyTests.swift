import CSQLite
import Catalog
import Foundation
import SearchTesting
import Testing

/// Item keys are never handed out twice (vector ids are derived from them), also for catalogs written
/// before the high-water mark existed (schema 2), which are migrated in place.
@Suite struct CatalogKeyTests {
    static func item(_ id: String) -> CatalogItem { CatalogItem(id: id, kind: .image, source: "/tmp/\(id).jpg", title: id) }

    @Test func removingTheNewestItemDoesNotFreeItsKey() throws {
        let scratch = try TemporaryDirectory("cat-keys")
        defer { scratch.remove() }
        let catalog = try Catalog(path: scratch.file("c.sqlite"))
        let keys = try catalog.upsert([Self.item("a"), Self.item("b"), Self.item("c")])
        #expect(try catalog.remove(id: "c"))
        let next = try catalog.upsert([Self.item("d")])[0]
        #expect(next > keys.max()!)
        // Updating an existing item keeps its key; a reservation takes a fresh one and is recorded.
        #expect(try catalog.upsert([Self.item("a")])[0] == keys[0])
        let reserved = try catalog.reserveItemKey(vectors: 2)
        #expect(reserved > next)
        let pending = try catalog.pendingAdds()
        #expect(pending.map(\.key) == [reserved] && pending.map(\.vectors) == [2])
        #expect(try catalog.upsert([Self.item("e")], keys: [reserved])[0] == reserved)
        try catalog.finishPendingAdd(reserved)
        #expect(try catalog.pendingAdds().isEmpty)
        #expect(try catalog.upsert([Self.item("f")])[0] > reserved)
        // A reserved key that belongs to another item is refused.
        #expect(throws: CatalogError.self) { try catalog.upsert([Self.item("g")], keys: [keys[1]]) }
        // Reopened, the mark is still there.
        let reopened = try Catalog(path: scratch.file("c.sqlite"))
        try reopened.raiseKeyHighWater(to: 1000)
        #expect(try reopened.upsert([Self.item("h")])[0] == 1001)
    }

    @Test func schemaTwoCatalogIsMigratedAndStartsAboveItsLargestKey() throws {
        let scratch = try TemporaryDirectory("cat-migrate")
        defer { scratch.remove() }
        let path = scratch.file("old.sqlite")
        // A schema-2 catalog as the previous build wrote it: items 1…3, then item 3 removed.
        do {
            let catalog = try Catalog(path: path)
            _ = try catalog.upsert([Self.item("a"), Self.item("b"), Self.item("c")])
            _ = try catalog.remove(id: "c")
        }
        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        #expect(sqlite3_exec(db, "DROP TRIGGER items_key_high_water; DROP TABLE item_key_high_water; DROP TABLE pending_adds; PRAGMA user_version = 2;", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)

        let migrated = try Catalog(path: path)
        #expect(try migrated.storedSchemaVersion() == Catalog.schemaVersion)
        #expect(try migrated.keyHighWater() == 2)  // the largest key still present; the index layer raises it further
        try migrated.raiseKeyHighWater(to: 3)    // as `IndexMaintenance` does from the vector ids
        #expect(try migrated.upsert([Self.item("d")])[0] == 4)
    }
}
