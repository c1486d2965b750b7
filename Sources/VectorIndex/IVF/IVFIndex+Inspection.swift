/// The live vectors of an index snapshot, read out for offline checks (ANN recall against exact search,
/// drift monitoring). Row `i` is `vectors[i·d ..< (i+1)·d]` (fp32, row-major), with id `ids[i]`, its
/// inverted list `lists[i]`, and `inBaseFile[i]` telling whether it lives in the version's base file
/// (present when the coarse quantizer was last trained or the index compacted) or was appended to the
/// log since.
public struct StoredVectorTable: Sendable {
    public let dimension: Int
    public let ids: [Int64]
    public let vectors: [Float]
    public let lists: [Int32]
    public let inBaseFile: [Bool]
    public var count: Int { ids.count }

    /// Row `i` as an array of `dimension` values.
    public func vector(_ i: Int) -> [Float] { Array(vectors[(i * dimension)..<((i + 1) * dimension)]) }
}

extension IVFIndex {
    /// The coarse quantizer's centroids: `nlist × dimension` fp32, row-major (list `l` is row `l`).
    public var centroids: [Float] { quantizer.centroids }

    /// Live vectors per inverted list (base rows not removed plus live added vectors).
    public var listSizes: [Int] {
        var sizes = [Int](repeating: 0, count: nlist)
        let tombstones = delta.baseTombstones
        for l in 0..<nlist {
            sizes[l] = delta.entriesByList[l].count
            guard lists[l].count > 0 else { continue }
            if tombstones.isEmpty {
                sizes[l] += lists[l].count
            } else if (try? codes(of: l)) != nil {  // verifies the list's ids before reading them
                let e = lists[l]
                for r in e.firstRow..<(e.firstRow + e.count) where !tombstones.contains(Int64(littleEndian: idsBase[r])) { sizes[l] += 1 }
            }
        }
        return sizes
    }

    /// Every live vector with its id and list (fp32 values from flat codes, stored vectors, or decoded
    /// sq8 codes). Verifies every list first, so a corrupt list throws an error naming the file.
    /// Memory: `count × dimension × 4` bytes.
    public func liveVectors(threads: Int = 1) throws -> StoredVectorTable {
        let live = try LiveVectors(self, threads: threads)
        let d = dimension
        var values = [Float](repeating: 0, count: live.count * d)
        let block = 4096
        var start = 0
        values.withUnsafeMutableBufferPointer { out in
            while start < live.count {
                let end = min(live.count, start + block)
                live.withRows(start..<end) { p, _ in (out.baseAddress! + start * d).update(from: p, count: (end - start) * d) }
                start = end
            }
        }
        return StoredVectorTable(dimension: d, ids: live.ids, vectors: values, lists: live.lists, inBaseFile: live.rows.map { $0 >= 0 })
    }

    /// For each of the `vectors.count / dimension` rows: its nearest list and the score against that
    /// list's centroid (higher is better, see ``Metric``; for `.l2` the negated squared distance).
    public func nearestCentroids(_ vectors: [Float]) throws -> [(list: Int, score: Float)] {
        let d = dimension
        guard vectors.count % d == 0 else {
            throw VectorIndexError.badInput("vectors", "\(vectors.count) values are not a whole number of \(d)-d vectors")
        }
        let c = quantizer.centroids
        return vectors.withUnsafeBufferPointer { v in
            c.withUnsafeBufferPointer { cp in
                (0..<(vectors.count / d)).map { i in
                    var best = 0
                    var bestScore = -Float.infinity
                    for l in 0..<nlist {
                        let s = Kernels.score(metric, v.baseAddress! + i * d, cp.baseAddress! + l * d, d)
                        if s > bestScore { best = l; bestScore = s }
                    }
                    return (best, bestScore)
                }
            }
        }
    }
}
