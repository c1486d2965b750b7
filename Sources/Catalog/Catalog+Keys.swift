/// Item keys: never reused, and reserved ahead of an incremental add so its vectors can be written
/// before its catalog row (crash consistency; see `IndexMaintenance.add`).
extension Catalog {
    /// An add that reserved a key and has not finished: its key and how many vectors it writes
    /// (ids `key << 16 | 0 ..< vectors`).
    public struct PendingAdd: Sendable, Equatable {
        public var key: ItemKey
        public var vectors: Int
    }

    /// The largest item key ever assigned or reserved (0 for an empty catalog). New items get larger keys.
    public func keyHighWater() throws -> ItemKey {
        try withConnection { try $0.scalarInt("SELECT key FROM item_key_high_water WHERE singleton = 0") ?? 0 }
    }

    /// Raises the high-water mark to at least `key`, so no item gets a key ≤ `key` from now on (used
    /// for catalogs written before keys were tracked: the index's vector ids show which keys were used).
    public func raiseKeyHighWater(to key: ItemKey) throws {
        try withConnection { db in
            try db.run("UPDATE item_key_high_water SET key = ? WHERE singleton = 0 AND key < ?", [.integer(key), .integer(key)])
        }
    }

    /// False until ``markKeyHighWaterCheckedAgainstIndex()``: the index layer then raises the mark from the
    /// largest vector id its index holds, once per catalog.
    public func keyHighWaterCheckedAgainstIndex() throws -> Bool {
        try withConnection { try $0.scalarInt("SELECT checked_against_index FROM item_key_high_water WHERE singleton = 0") ?? 0 } != 0
    }

    /// Records that the mark has been raised from the index's vector ids.
    public func markKeyHighWaterCheckedAgainstIndex() throws {
        try withConnection { try $0.run("UPDATE item_key_high_water SET checked_against_index = 1 WHERE singleton = 0") }
    }

    /// Reserves a new, never-used key for an item with `vectors` vectors and records the add as pending,
    /// in one durable transaction. Finish with ``upsert(_:textVectors:textModel:keys:)`` (passing the
    /// key) and ``finishPendingAdd(_:)``; after a crash, ``pendingAdds()`` lists it for repair.
    public func reserveItemKey(vectors: Int) throws -> ItemKey {
        try withConnection { db in
            try db.transaction {
                let key = (try db.scalarInt("SELECT key FROM item_key_high_water WHERE singleton = 0") ?? 0) + 1
                try db.run("UPDATE item_key_high_water SET key = ? WHERE singleton = 0", [.integer(key)])
                try db.run("INSERT INTO pending_adds(key, vectors) VALUES (?, ?)", [.integer(key), .integer(Int64(vectors))])
                return key
            }
        }
    }

    /// Adds reserved and not finished (left by a crash), by key.
    public func pendingAdds() throws -> [PendingAdd] {
        try withConnection { db in
            var pending: [PendingAdd] = []
            try db.query("SELECT key, vectors FROM pending_adds ORDER BY key") {
                pending.append(PendingAdd(key: $0.int64(0), vectors: Int($0.int64(1))))
            }
            return pending
        }
    }

    /// Marks the add of `key` finished (or abandoned after repair).
    public func finishPendingAdd(_ key: ItemKey) throws {
        try withConnection { try $0.run("DELETE FROM pending_adds WHERE key = ?", [.integer(key)]) }
    }

    /// The id of the item with `key`, or nil.
    public func id(key: ItemKey) throws -> String? {
        try withConnection { db in
            var id: String?
            try db.query("SELECT id FROM items WHERE key = ?", [.integer(key)]) { id = $0.text(0) }
            return id
        }
    }
}
