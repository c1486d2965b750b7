import Foundation

extension Catalog {
    static let itemColumns = "key, id, kind, source, title, description, tags, width, height, duration, added_at, content_hash"

    /// Inserts or replaces `items` (matched by ``CatalogItem/id``) in one transaction, with their tags,
    /// auto-tags and full-text rows, and optionally each item's text vector (same order as `items`; a nil
    /// entry removes the item's stored vector). An existing item keeps its ``ItemKey``; a new one gets the
    /// next never-used key, or `keys[i]` when given (a key from ``reserveItemKey(vectors:)``, which must
    /// not belong to another item). Returns the keys.
    @discardableResult
    public func upsert(_ items: [CatalogItem], textVectors: [[Float]?]? = nil, textModel: String = "",
                       keys requestedKeys: [ItemKey]? = nil) throws -> [ItemKey] {
        if let textVectors, textVectors.count != items.count {
            throw CatalogError(subject: path, reason: "\(items.count) items but \(textVectors.count) text vectors")
        }
        if let requestedKeys, requestedKeys.count != items.count {
            throw CatalogError(subject: path, reason: "\(items.count) items but \(requestedKeys.count) keys")
        }
        for item in items {
            guard !item.id.isEmpty else { throw CatalogError(subject: path, reason: "an item has an empty id") }
            if let duration = item.duration, !(duration.isFinite && duration >= 0) {
                throw CatalogError(subject: item.id, reason: "duration \(duration) is not a finite number ≥ 0")
            }
        }
        return try withConnection { db in
            try db.transaction {
                var keys: [ItemKey] = []
                keys.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    let key = try Self.write(item, key: requestedKeys?[index], db)
                    if let textVectors {
                        if let vector = textVectors[index] {
                            try db.run("INSERT OR REPLACE INTO text_vectors(item, model, vector) VALUES (?, ?, ?)",
                                       [.integer(key), .text(textModel), .blob(Self.bytes(of: vector))])
                        } else {
                            try db.run("DELETE FROM text_vectors WHERE item = ?", [.integer(key)])
                        }
                    }
                    keys.append(key)
                }
                return keys
            }
        }
    }

    static func write(_ item: CatalogItem, key requested: ItemKey?, _ db: SQLiteConnection) throws -> ItemKey {
        let tagsJSON = String(decoding: try JSONEncoder().encode(item.tags), as: UTF8.self)
        if let requested, let owner = try db.scalarInt("SELECT key FROM items WHERE key = ? AND id <> ?", [.integer(requested), .text(item.id)]) {
            throw CatalogError(subject: item.id, reason: "key \(owner) already belongs to another item")
        }
        var key: ItemKey?
        // A new row's key: the requested one, else one past the largest key ever used (never a removed
        // item's key; see migration 3). On a conflict by id the existing row keeps its key.
        try db.query("""
            INSERT INTO items(key, id, kind, source, title, description, tags, width, height, duration, added_at, content_hash)
            VALUES (coalesce(?, (SELECT key + 1 FROM item_key_high_water WHERE singleton = 0)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, source = excluded.source, title = excluded.title,
                description = excluded.description, tags = excluded.tags, width = excluded.width,
                height = excluded.height, duration = excluded.duration, added_at = excluded.added_at,
                content_hash = excluded.content_hash
            RETURNING key
            """, [requested.map { .integer($0) } ?? .null, .text(item.id), .text(item.kind.rawValue), .text(item.source), .text(item.title),
                  .text(item.description), .text(tagsJSON), .int(item.width), .int(item.height),
                  .double(item.duration), .real(item.addedAt.timeIntervalSince1970), .string(item.contentHash)]) {
            key = $0.int64(0)
        }
        guard let key else { throw CatalogError(subject: item.id, reason: "insert returned no key") }
        try db.run("DELETE FROM item_tags WHERE item = ?", [.integer(key)])
        for tag in Set(item.tags.map { $0.lowercased() }) where !tag.isEmpty {
            try db.run("INSERT INTO item_tags(item, tag) VALUES (?, ?)", [.integer(key), .text(tag)])
        }
        try db.run("DELETE FROM auto_tags WHERE item = ?", [.integer(key)])
        for tag in item.autoTags {
            try db.run("INSERT OR REPLACE INTO auto_tags(item, label, score) VALUES (?, ?, ?)",
                       [.integer(key), .text(tag.label), .real(Double(tag.score))])
        }
        if let concept = item.conceptVector {
            try db.run("INSERT OR REPLACE INTO concept_vectors(item, model, vector) VALUES (?, ?, ?)",
                       [.integer(key), .text(Self.conceptModel), .blob(Self.bytes(of: concept))])
        }
        try db.run("DELETE FROM items_fts WHERE rowid = ?", [.integer(key)])
        try db.run("INSERT INTO items_fts(rowid, title, description, tags, auto_tags) VALUES (?, ?, ?, ?, ?)",
                   [.integer(key), .text(item.title), .text(item.description), .text(item.tags.joined(separator: " ; ")),
                    .text(item.autoTags.map(\.label).joined(separator: " ; "))])
        return key
    }

    /// Removes the item `id` with its tags, auto-tags, frames and text vector. Returns false if absent.
    @discardableResult
    public func remove(id: String) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                guard let key = try db.scalarInt("SELECT key FROM items WHERE id = ?", [.text(id)]) else { return false }
                try db.run("DELETE FROM items_fts WHERE rowid = ?", [.integer(key)])
                try db.run("DELETE FROM items WHERE key = ?", [.integer(key)])
                return true
            }
        }
    }

    /// The item `id`, or nil.
    public func item(id: String) throws -> CatalogItem? {
        try withConnection { db in
            try Self.readItems(db, where: "id = ?", [.text(id)]).first?.item
        }
    }

    /// The first item whose content hash is `hash` (for de-duplication at ingest), or nil.
    public func item(contentHash hash: String) throws -> CatalogItem? {
        try withConnection { db in
            try Self.readItems(db, where: "content_hash = ? ORDER BY key LIMIT 1", [.text(hash)]).first?.item
        }
    }

    /// The key of item `id`, or nil.
    public func key(id: String) throws -> ItemKey? {
        try withConnection { try $0.scalarInt("SELECT key FROM items WHERE id = ?", [.text(id)]) }
    }

    /// Items by key (keys not found are absent from the result).
    public func items(keys: [ItemKey]) throws -> [ItemKey: CatalogItem] {
        guard !keys.isEmpty else { return [:] }
        return try withConnection { db in
            var result: [ItemKey: CatalogItem] = [:]
            try forEachInListChunk(keys) { marks, values in
                for (key, item) in try Self.readItems(db, where: "key IN (\(marks))", values) {
                    result[key] = item
                }
            }
            return result
        }
    }

    /// Item ids by key (unknown keys are absent; a removed item may still answer its old id): what a shard's deep candidate lists carry instead of rows,
    /// and what ties are ordered by. Cached (``idsByKey``): a text query asks for thousands, ~1 µs each from SQLite.
    public func ids(keys: [ItemKey]) throws -> [ItemKey: String] {
        guard !keys.isEmpty else { return [:] }
        var result: [ItemKey: String] = [:]
        result.reserveCapacity(keys.count)
        let misses = idsByKey.withLock { cache in
            keys.filter { key in
                if let id = cache[key] { result[key] = id; return false }
                return true
            }
        }
        guard !misses.isEmpty else { return result }
        let found = try withConnection { db in
            var found: [ItemKey: String] = [:]
            try forEachInListChunk(misses) { marks, values in
                try db.query("SELECT key, id FROM items WHERE key IN (\(marks))", values) { found[$0.int64(0)] = $0.text(1) }
            }
            return found
        }
        idsByKey.withLock { cache in
            if cache.count + found.count > Self.idCacheCapacity { cache.removeAll(keepingCapacity: true) }
            cache.merge(found, uniquingKeysWith: { a, _ in a })
        }
        return result.merging(found, uniquingKeysWith: { a, _ in a })
    }

    /// Number of items, optionally of one kind.
    public func count(kind: ItemKind? = nil) throws -> Int {
        try withConnection { db in
            if let kind {
                return Int(try db.scalarInt("SELECT count(*) FROM items WHERE kind = ?", [.text(kind.rawValue)]) ?? 0)
            }
            return Int(try db.scalarInt("SELECT count(*) FROM items") ?? 0)
        }
    }

    /// Records sampled frames of videos (replacing a frame at the same video and timestamp).
    public func addFrames(_ frames: [VideoFrame]) throws {
        try withConnection { db in
            try db.transaction {
                for frame in frames {
                    guard let key = try db.scalarInt("SELECT key FROM items WHERE id = ? AND kind = 'video'",
                                                     [.text(frame.videoID)]) else {
                        throw CatalogError(subject: frame.videoID, reason: "no video with this id in the catalog")
                    }
                    try db.run("INSERT OR REPLACE INTO frames(video, timestamp, vector_id) VALUES (?, ?, ?)",
                               [.integer(key), .real(frame.timestamp), .integer(frame.vectorID)])
                }
            }
        }
    }

    /// The frames of video `id`, by timestamp.
    public func frames(videoID id: String) throws -> [VideoFrame] {
        try withConnection { db in
            var frames: [VideoFrame] = []
            try db.query("""
                SELECT f.timestamp, f.vector_id FROM frames f JOIN items i ON i.key = f.video
                WHERE i.id = ? ORDER BY f.timestamp
                """, [.text(id)]) {
                frames.append(VideoFrame(videoID: id, timestamp: $0.double(0), vectorID: $0.int64(1)))
            }
            return frames
        }
    }

    static func readItems(_ db: SQLiteConnection, where clause: String, _ values: [SQLiteValue]) throws -> [(key: ItemKey, item: CatalogItem)] {
        var rows: [(ItemKey, CatalogItem)] = []
        try db.query("SELECT \(itemColumns) FROM items WHERE \(clause)", values) { row in
            let tags = (try? JSONDecoder().decode([String].self, from: Data(row.text(6).utf8))) ?? []
            let item = CatalogItem(
                id: row.text(1), kind: ItemKind(rawValue: row.text(2)) ?? .image, source: row.text(3),
                title: row.text(4), description: row.text(5), tags: tags, width: row.optionalInt(7),
                height: row.optionalInt(8), duration: row.optionalDouble(9),
                addedAt: Date(timeIntervalSince1970: row.double(10)), contentHash: row.optionalText(11))
            rows.append((row.int64(0), item))
        }
        for index in rows.indices {
            var tags: [AutoTag] = []
            try db.query("SELECT label, score FROM auto_tags WHERE item = ? ORDER BY score DESC, label", [.integer(rows[index].0)]) {
                tags.append(AutoTag(label: $0.text(0), score: Float($0.double(1))))
            }
            rows[index].1.autoTags = tags
        }
        return rows
    }

    static func bytes(of vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
