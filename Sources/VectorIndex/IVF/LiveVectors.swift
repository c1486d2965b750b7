/// The live vectors of a snapshot as a `VectorSource` (base rows not tombstoned, then live added
/// vectors), with their ids and current lists; used by compaction and retraining. fp32 values come from
/// flat codes, stored vectors, or (sq8/PQ without stored vectors) decoded codes.
struct LiveVectors: VectorSource {
    let index: IVFIndex
    /// Base row `r ≥ 0`, or added entry `-1 - i`.
    let rows: [Int]
    let ids: [Int64]
    let lists: [Int32]
    var count: Int { rows.count }
    var dimension: Int { index.dimension }

    /// Verifies every list of `index` first, so reading rows later cannot meet unverified bytes.
    init(_ index: IVFIndex, threads: Int) throws {
        try index.verify(threads: threads)
        self.index = index
        var rows: [Int] = [], ids: [Int64] = [], lists: [Int32] = []
        let tomb = index.delta.baseTombstones
        let idp = index.idsBase
        for (l, e) in index.lists.enumerated() {
            for r in e.firstRow..<(e.firstRow + e.count) {
                let id = Int64(littleEndian: idp[r])
                if tomb.contains(id) { continue }
                rows.append(r); ids.append(id); lists.append(Int32(l))
            }
            for i in index.delta.entriesByList[l] {
                rows.append(-1 - Int(i)); ids.append(index.delta.ids[Int(i)]); lists.append(Int32(l))
            }
        }
        self.rows = rows
        self.ids = ids
        self.lists = lists
    }

    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R {
        let d = dimension
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: max(1, range.count * d))
        defer { buf.deallocate() }
        for (k, i) in range.enumerated() {
            index.readVector(row: rows[i], list: Int(lists[i]), into: buf + k * d)
        }
        return try body(buf, d)
    }
}
