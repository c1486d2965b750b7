extension Catalog {
    /// The tables of per-item vectors (columns `item`, `model`, `vector` as little-endian float32).
    enum VectorTable: String {
        case text = "text_vectors"
        case concept = "concept_vectors"

        /// What one row is called in errors.
        var rowName: String { self == .text ? "text vector" : "concept vector" }
    }

    /// The vectors of `model` stored in `table`, in key order — of every item, or of the items `keys`
    /// (those that have one). Throws ``CatalogError`` naming the item if a stored vector is not `dimension`
    /// floats. One reader for both tables: the text vectors and the concept vectors are stored alike.
    func storedVectors(_ table: VectorTable, model: String, dimension: Int, keys wanted: [ItemKey]? = nil) throws -> StoredTextVectors {
        var result = StoredTextVectors(keys: [], values: [], dimension: dimension)
        func read(_ condition: String, _ parameters: [SQLiteValue]) throws {
            try withConnection { db in
                var failure: CatalogError?
                try db.query("SELECT item, vector FROM \(table.rawValue) WHERE model = ?\(condition) ORDER BY item", [.text(model)] + parameters) { row in
                    let bytes = row.blob(1)
                    guard bytes.count == dimension * 4 else {
                        failure = failure ?? CatalogError(subject: "\(path): \(table.rowName) of item key \(row.int64(0))",
                                                          reason: "has \(bytes.count) bytes, expected \(dimension * 4)")
                        return
                    }
                    result.keys.append(row.int64(0))
                    for i in 0..<dimension {
                        result.values.append(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
                    }
                }
                if let failure { throw failure }
            }
        }
        if let wanted {
            try forEachInListChunk(wanted.sorted()) { marks, values in try read(" AND item IN (\(marks))", values) }
        } else {
            try read("", [])
        }
        return result
    }
}
