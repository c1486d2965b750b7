/// All text vectors of one model, as one row-major matrix.
public struct StoredTextVectors: Sendable {
    /// Item keys, one per row.
    public var keys: [ItemKey]
    /// `keys.count × dimension` floats, row-major.
    public var values: [Float]
    public var dimension: Int

    /// Each key's row.
    public var byKey: [ItemKey: [Float]] {
        var rows: [ItemKey: [Float]] = [:]
        rows.reserveCapacity(keys.count)
        for (row, key) in keys.enumerated() { rows[key] = Array(values[(row * dimension)..<((row + 1) * dimension)]) }
        return rows
    }
}

extension Catalog {
    /// Every stored text vector of `model` (dimension `dimension`), in key order.
    /// Throws ``CatalogError`` naming the item if a stored vector has the wrong size.
    public func textVectors(model: String, dimension: Int) throws -> StoredTextVectors {
        try storedVectors(.text, model: model, dimension: dimension)
    }

    /// The stored text vectors of `model` of the items `keys` (those that have one), in key order.
    public func textVectors(model: String, dimension: Int, keys wanted: [ItemKey]) throws -> StoredTextVectors {
        try storedVectors(.text, model: model, dimension: dimension, keys: wanted)
    }
}
