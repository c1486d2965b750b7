extension IVFIndex {
    /// The largest id this version has held: base rows (live or removed), log additions and removals;
    /// nil for an empty index. Callers that derive ids from their own keys use it to never hand out an
    /// id again whose tombstone is still in the log. One pass over the base ids (8 bytes a vector).
    public func largestID() throws -> Int64? {
        var largest: Int64?
        let ids = idsBase
        for l in 0..<nlist where lists[l].count > 0 {
            _ = try codes(of: l)  // verifies the list's ids before they are read
            let e = lists[l]
            for r in e.firstRow..<(e.firstRow + e.count) {
                let id = Int64(littleEndian: ids[r])
                if largest.map({ id > $0 }) ?? true { largest = id }
            }
        }
        for id in delta.ids where largest.map({ id > $0 }) ?? true { largest = id }
        for id in delta.baseTombstones where largest.map({ id > $0 }) ?? true { largest = id }
        return largest
    }
}
