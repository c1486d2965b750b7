/// An item's key, id and content hash: what the ingest admission rules need, without the rest of the row.
public struct ItemIdentity: Sendable, Equatable {
    public var key: ItemKey
    public var id: String
    public var contentHash: String?
}

extension Catalog {
    /// Every item's key, id and content hash, in key order (one pass over the `items` table's three
    /// columns: a distributed build's merge reads this for every segment, and full rows only for its shard).
    public func identities() throws -> [ItemIdentity] {
        try withConnection { db in
            var result: [ItemIdentity] = []
            try db.query("SELECT key, id, content_hash FROM items ORDER BY key", []) { row in
                result.append(ItemIdentity(key: row.int64(0), id: row.text(1), contentHash: row.optionalText(2)))
            }
            return result
        }
    }
}
