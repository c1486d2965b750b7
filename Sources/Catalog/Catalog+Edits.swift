import Foundation

/// A change to an item's description: each non-nil field replaces the stored one.
public struct ItemEdit: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var tags: [String]?

    public init(title: String? = nil, description: String? = nil, tags: [String]? = nil) {
        self.title = title
        self.description = description
        self.tags = tags
    }

    /// True when the edit changes nothing.
    public var isEmpty: Bool { title == nil && description == nil && tags == nil }

    /// `item` with this edit applied (tags trimmed, empty ones dropped).
    public func applied(to item: CatalogItem) -> CatalogItem {
        var edited = item
        if let title { edited.title = title }
        if let description { edited.description = description }
        if let tags { edited.tags = tags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return edited
    }
}

/// Edits of an item's metadata without re-embedding its media, and the repair of an interrupted one.
extension Catalog {
    /// Writes the edited `item` (same id, same key), its new text vector (nil: none) and a pending mark
    /// for its key, in one durable transaction: the row, tags, full-text row and text vector change
    /// together. The caller then applies the vector to the text IVF and clears the mark with
    /// ``finishPendingTextVector(_:)``; after a crash, ``pendingTextVectors()`` lists the key so the IVF
    /// can be brought in step from the stored vector.
    public func commitEdit(_ item: CatalogItem, key: ItemKey, textVector: [Float]?, textModel: String) throws {
        try withConnection { db in
            try db.transaction {
                guard try db.scalarInt("SELECT key FROM items WHERE key = ? AND id = ?", [.integer(key), .text(item.id)]) != nil else {
                    throw CatalogError(subject: item.id, reason: "no item with this id and key \(key)")
                }
                _ = try Self.write(item, key: key, db)
                if let textVector {
                    try db.run("INSERT OR REPLACE INTO text_vectors(item, model, vector) VALUES (?, ?, ?)",
                               [.integer(key), .text(textModel), .blob(Self.bytes(of: textVector))])
                } else {
                    try db.run("DELETE FROM text_vectors WHERE item = ?", [.integer(key)])
                }
                try db.run("INSERT OR IGNORE INTO pending_text_vectors(key) VALUES (?)", [.integer(key)])
            }
        }
    }

    /// Keys whose text vector changed in the catalog and may not yet be in the text IVF.
    public func pendingTextVectors() throws -> [ItemKey] {
        try withConnection { db in
            var keys: [ItemKey] = []
            try db.query("SELECT key FROM pending_text_vectors ORDER BY key") { keys.append($0.int64(0)) }
            return keys
        }
    }

    /// Clears the pending mark of `key` (its text IVF entry now matches the catalog).
    public func finishPendingTextVector(_ key: ItemKey) throws {
        try withConnection { try $0.run("DELETE FROM pending_text_vectors WHERE key = ?", [.integer(key)]) }
    }

    /// The stored text vector of item `key` (nil when it has none or it is not `dimension` floats).
    public func textVector(key: ItemKey, dimension: Int) throws -> [Float]? {
        try withConnection { db in
            var vector: [Float]?
            try db.query("SELECT vector FROM text_vectors WHERE item = ?", [.integer(key)]) { row in
                let bytes = row.blob(0)
                guard bytes.count == dimension * 4 else { return }
                vector = (0..<dimension).map {
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
            }
            return vector
        }
    }

    /// A number that moves whenever an item is added, changed or removed (schema 5: a trigger-kept
    /// counter). An older catalog opened read-only has none; its count and largest key stand in.
    public func revision() throws -> Int64 {
        try withConnection { try Self.revision($0) }
    }

    static func revision(_ db: SQLiteConnection) throws -> Int64 {
        if let revision = try? db.scalarInt("SELECT revision FROM catalog_revision WHERE singleton = 0") { return revision }
        let count = try db.scalarInt("SELECT count(*) FROM items") ?? 0
        let largest = try db.scalarInt("SELECT coalesce(max(key), 0) FROM items") ?? 0
        return count << 32 ^ largest
    }
}
