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
        try withConnection { db in
            var keys: [ItemKey] = []
            var values: [Float] = []
            var failure: CatalogError?
            try db.query("SELECT item, vector FROM text_vectors WHERE model = ? ORDER BY item", [.text(model)]) { row in
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
