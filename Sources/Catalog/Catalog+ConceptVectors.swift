extension Catalog {
    /// The model name stored with every concept vector (`concept_vectors.model`): the ConSE bridge's
    /// recipe — class-name embeddings of all-MiniLM-L6-v2 weighted by the top EfficientNet-Lite0 classes.
    public static let conceptModel = "conse-efficientnet-lite0-top10/all-MiniLM-L6-v2"

    /// Every stored concept vector of width `dimension`, in key order. Empty for a catalog written
    /// before concept vectors existed (schema 5: the table is absent; readers never migrate).
    /// Throws ``CatalogError`` naming the item if a stored vector has the wrong size.
    public func conceptVectors(dimension: Int) throws -> StoredTextVectors {
        guard try hasConceptTable() else { return StoredTextVectors(keys: [], values: [], dimension: dimension) }
        return try storedVectors(.concept, model: Self.conceptModel, dimension: dimension)
    }

    /// The stored concept vectors of the items `keys` (those that have one), in key order; empty for a
    /// catalog written before concept vectors existed.
    public func conceptVectors(dimension: Int, keys wanted: [ItemKey]) throws -> StoredTextVectors {
        guard try hasConceptTable() else { return StoredTextVectors(keys: [], values: [], dimension: dimension) }
        return try storedVectors(.concept, model: Self.conceptModel, dimension: dimension, keys: wanted)
    }

    /// Whether the catalog has the `concept_vectors` table (schema 6 and later).
    private func hasConceptTable() throws -> Bool {
        try withConnection { db in
            try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'concept_vectors'") == 1
        }
    }

    /// The stored concept vector of item `key` (nil when it has none, or none of width `dimension`).
    public func conceptVector(key: ItemKey, dimension: Int) throws -> [Float]? {
        guard try hasConceptTable() else { return nil }
        return try withConnection { db in
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
