extension Catalog {
    /// The model name stored with every concept vector (`concept_vectors.model`): the ConSE bridge's
    /// recipe — class-name embeddings of all-MiniLM-L6-v2 weighted by the top EfficientNet-Lite0 classes.
    public static let conceptModel = "conse-efficientnet-lite0-top10/all-MiniLM-L6-v2"

    /// Every stored concept vector of width `dimension`, in key order. Empty for a catalog written
    /// before concept vectors existed (schema 5: the table is absent; readers never migrate).
    /// Throws ``CatalogError`` naming the item if a stored vector has the wrong size.
    public func conceptVectors(dimension: Int) throws -> StoredTextVectors {
        try withConnection { db in
            var keys: [ItemKey] = []
            var values: [Float] = []
            guard try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'concept_vectors'") == 1 else {
                return StoredTextVectors(keys: [], values: [], dimension: dimension)
            }
            var failure: CatalogError?
            try db.query("SELECT item, vector FROM concept_vectors WHERE model = ? ORDER BY item", [.text(Self.conceptModel)]) { row in
                let bytes = row.blob(1)
                guard bytes.count == dimension * 4 else {
                    failure = failure ?? CatalogError(subject: "\(path): concept vector of item key \(row.int64(0))",
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

    /// The stored concept vector of item `key` (nil when it has none, or none of width `dimension`).
    public func conceptVector(key: ItemKey, dimension: Int) throws -> [Float]? {
        try withConnection { db in
            guard try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'concept_vectors'") == 1 else {
                return nil
            }
            var vector: [Float]?
            try db.query("SELECT vector FROM concept_vectors WHERE item = ? AND model = ?", [.integer(key), .text(Self.conceptModel)]) { row in
                let bytes = row.blob(0)
                guard bytes.count == dimension * 4 else { return }
                vector = (0..<dimension).map {
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
            }
            return vector
        }
    }
}
