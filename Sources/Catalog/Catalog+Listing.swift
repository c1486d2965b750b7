import Foundation

/// Listing what the catalog holds, a page at a time.
extension Catalog {
    /// Items passing `filter` with a key greater than `afterKey`, in key order, at most `limit`
    /// (keyset paging: stable under concurrent adds and removes, never a row twice).
    public func items(matching filter: CatalogFilter, afterKey: ItemKey = 0, limit: Int) throws -> [(key: ItemKey, item: CatalogItem)] {
        guard limit > 0 else { return [] }
        let (clause, values) = try filter.sql()
        return try withConnection { db in
            try Self.readItems(db, where: "\(clause) AND items.key > ? ORDER BY items.key LIMIT ?",
                               values + [.integer(afterKey), .int(limit)])
        }
    }

    /// The number of sampled frames of each video among `keys` (absent: none).
    public func frameCounts(keys: [ItemKey]) throws -> [ItemKey: Int] {
        guard !keys.isEmpty else { return [:] }
        return try withConnection { db in
            var counts: [ItemKey: Int] = [:]
            try db.query("SELECT video, count(*) FROM frames WHERE video IN (SELECT value FROM json_each(?)) GROUP BY video",
                         [.text("[" + keys.map(String.init).joined(separator: ",") + "]")]) {
                counts[$0.int64(0)] = Int($0.int64(1))
            }
            return counts
        }
    }
}
