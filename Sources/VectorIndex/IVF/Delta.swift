/// The in-memory view of a version's append log: vectors added since the base file (already encoded and
/// grouped by list) and the ids removed from the base. Built once per snapshot at open.
struct Delta: Sendable {
    var ids: [Int64] = []
    var vectors: [Float] = []
    var codes: [UInt8] = []
    /// Live delta entries of each list (indexes into `ids`).
    var entriesByList: [[Int32]]
    /// Ids removed from the base file (a base row whose id is here is dead).
    var baseTombstones: Set<Int64> = []
    var removedBaseRows = 0
    var liveCount = 0

    init(nlist: Int) { entriesByList = Array(repeating: [], count: nlist) }

    var isEmpty: Bool { ids.isEmpty && baseTombstones.isEmpty }

    mutating func apply(_ record: DeltaLog.Record, encoding: any VectorEncoding, dimension d: Int) {
        switch record {
        case let .add(newIDs, lists, newVectors):
            let start = ids.count
            ids += newIDs
            vectors += newVectors
            codes += [UInt8](repeating: 0, count: newIDs.count * encoding.codeSize)
            codes.withUnsafeMutableBytes { c in
                newVectors.withUnsafeBufferPointer { v in
                    for i in 0..<newIDs.count {
                        encoding.encode(v.baseAddress! + i * d, list: Int(lists[i]),
                                        into: c.baseAddress! + (start + i) * encoding.codeSize)
                    }
                }
            }
            for (i, l) in lists.enumerated() { entriesByList[Int(l)].append(Int32(start + i)) }
            liveCount += newIDs.count
        case let .remove(removed, newlyRemovedBaseRows):
            let set = Set(removed)
            for l in entriesByList.indices where !entriesByList[l].isEmpty {
                let before = entriesByList[l].count
                entriesByList[l].removeAll { set.contains(ids[Int($0)]) }
                liveCount -= before - entriesByList[l].count
            }
            baseTombstones.formUnion(set)
            removedBaseRows += newlyRemovedBaseRows
        }
    }
}
