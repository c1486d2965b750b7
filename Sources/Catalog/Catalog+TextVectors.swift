/// All text vectors of one model, as one row-major matrix.
public struct StoredTextVectors: Sendable {
    /// Item keys, one per row.
    public var keys: [ItemKey]
    /// `keys.count × dimension` floats, row-major.
    public var values: [Float]
    public var dimension: Int
}

extension Catalog {
    /// Every stored text vector of `model` (dimension `dimension`), in key order.
    /// Throws ``CatalogError`` naming the item if a stored vector has the wrong size.
    public func textVectors(model: String, dimension: Int) throws -> StoredTextVectors {
        try textVectors(model: model, dimension: dimension, where: "", [])
    }

    /// The stored text vectors of `model` of the items `keys` (those that have one), in key order.
    public func textVectors(model: String, dimension: Int, keys wanted: [ItemKey]) throws -> StoredTextVectors {
        var merged = StoredTextVectors(keys: [], values: [], dimension: dimension)
        try forEachInListChunk(wanted.sorted()) { marks, values in
            let part = try textVectors(model: model, dimension: dimension, where: " AND item IN (\(marks))", values)
            merged.keys += part.keys
            merged.values += part.values
        }
        return merged
    }

    private func textVectors(model: String, dimension: Int, where condition: String, _ parameters: [SQLiteValue]) throws -> StoredTextVectors {
        try withConnection { db in
            var keys: [ItemKey] = []
            var values: [Float] = []
            var failure: CatalogError?
            try db.query("SELECT item, vector FROM text_vectors WHERE model = ?\(condition) ORDER BY item", [.text(model)] + parameters) { row in
                let bytes = row.blob(1)
                guard bytes.count == dimension * 4 else {
                    failure = failure ?? CatalogError(subject: "\(path): text vector of item key \(row.int64(0))",
                                                      reason: "has \(bytes.count) bytes, expected \(dimension * 4)")
                    return
                }
                keys.append(row.int64(0))
                for i in 0..<dimension {
                    values.append(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
                }
            }
            if let failure { throw failure }
            return StoredTextVectors(keys: keys, values: values, dimension: dimension)
        }
    }
}
