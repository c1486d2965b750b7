extension IVFIndex {
    /// The stored fp32 values of the live vectors whose ids are in `wanted` (absent ids and removed
    /// vectors are left out): from flat codes, the stored fp32 vectors, or decoded codes — as
    /// ``liveVectors(threads:)`` reads them. Only the lists holding a wanted id are verified and read.
    ///
    /// Cost: one pass over the ids of the base file and of the log (no vector data is touched except the
    /// wanted rows), so it suits "more like this" queries and carrying items over to a new version.
    public func storedVectors(ids wanted: Set<Int64>) throws -> [Int64: [Float]] {
        guard !wanted.isEmpty else { return [:] }
        var found: [Int64: [Float]] = [:]
        let tombstones = delta.baseTombstones
        for (l, entry) in lists.enumerated() {
            for row in entry.firstRow..<(entry.firstRow + entry.count) {
                let id = Int64(littleEndian: idsBase[row])
                guard wanted.contains(id), !tombstones.contains(id) else { continue }
                _ = try codes(of: l)  // verifies the list before its rows are read
                var vector = [Float](repeating: 0, count: dimension)
                vector.withUnsafeMutableBufferPointer { readVector(row: row, list: l, into: $0.baseAddress!) }
                found[id] = vector
            }
            for i in delta.entriesByList[l] where wanted.contains(delta.ids[Int(i)]) {
                var vector = [Float](repeating: 0, count: dimension)
                vector.withUnsafeMutableBufferPointer { readVector(row: -1 - Int(i), list: l, into: $0.baseAddress!) }
                found[delta.ids[Int(i)]] = vector
            }
        }
        return found
    }

    /// Writes the fp32 values of one live vector to `destination`: base row `row ≥ 0` of list `list`
    /// (a verified list), or added entry `-1 - row` of the log.
    func readVector(row: Int, list l: Int, into destination: UnsafeMutablePointer<Float>) {
        let d = dimension
        if row < 0 {
            delta.vectors.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + (-1 - row) * d, count: d) }
            return
        }
        let offset = row - lists[l].firstRow
        // The caller verified the list, so these accessors cannot fail here.
        if encodingKind == .flat, let codes = try? codes(of: l) {
            destination.update(from: codes.assumingMemoryBound(to: Float.self) + offset * d, count: d)
        } else if storesVectors, let stored = try? storedVectors(of: l) {
            destination.update(from: stored + offset * d, count: d)
        } else if let codes = try? codes(of: l) {
            encoding.decode(listCodes: codes, row: offset, count: codeRows(of: l), list: l, into: destination)
        } else {
            destination.update(repeating: .nan, count: d)
        }
    }
}
