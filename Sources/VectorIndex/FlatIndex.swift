import Parallelism

/// Exact (brute-force) search over vectors held in memory: the yardstick every approximate index is
/// tested against. A value type: `add` and `remove` return a changed copy semantics like any struct.
///
/// Layout: `vectors` is `count × dimension` row-major fp32; `ids[i]` names row `i`.
public struct FlatIndex: VectorIndex {
    public let dimension: Int
    public let metric: Metric
    public private(set) var vectors: [Float] = []
    public private(set) var ids: [Int64] = []

    public var count: Int { ids.count }

    public init(dimension: Int, metric: Metric) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
    }

    /// Appends `vectors` (`ids.count × dimension` values); ids default to the row numbers.
    public mutating func add(_ newVectors: [Float], ids newIDs: [Int64]? = nil) throws {
        guard newVectors.count % dimension == 0 else {
            throw VectorIndexError.badInput("vectors", "\(newVectors.count) values are not a whole number of \(dimension)-d vectors")
        }
        let n = newVectors.count / dimension
        let assigned = newIDs ?? (0..<n).map { Int64(count + $0) }
        guard assigned.count == n else {
            throw VectorIndexError.badInput("ids", "\(assigned.count) ids for \(n) vectors")
        }
        vectors += newVectors
        ids += assigned
    }

    /// Removes every vector whose id is in `removed`.
    public mutating func remove(_ removed: Set<Int64>) {
        var keptVectors: [Float] = [], keptIDs: [Int64] = []
        for (row, id) in ids.enumerated() where !removed.contains(id) {
            keptIDs.append(id)
            keptVectors += vectors[(row * dimension)..<((row + 1) * dimension)]
        }
        vectors = keptVectors
        ids = keptIDs
    }

    public func search(batch queries: [Float], k: Int, options: SearchOptions = SearchOptions()) throws -> [[Neighbor]] {
        guard queries.count % dimension == 0 else {
            throw VectorIndexError.badInput("queries", "\(queries.count) values are not a whole number of \(dimension)-d vectors")
        }
        guard k > 0 else { throw VectorIndexError.badInput("k", "must be positive, got \(k)") }
        let nq = queries.count / dimension
        let d = dimension, n = count, metric = self.metric, filter = options.filter
        var results = [[Neighbor]](repeating: [], count: nq)
        results.withUnsafeMutableBufferPointer { out in
            let outBox = SendableBox(out.baseAddress!)
            queries.withUnsafeBufferPointer { q in
                vectors.withUnsafeBufferPointer { x in
                    ids.withUnsafeBufferPointer { idp in
                        let box = SendableBox((q.baseAddress!, x.baseAddress, idp.baseAddress))
                        Parallel.chunks(total: nq, chunk: 8, threads: options.threads) { range, _ in
                            let (qp, xp, ip) = box.value
                            for qi in range {
                                var top = TopK(k: k)
                                for r in 0..<n {
                                    let s = Kernels.score(metric, qp + qi * d, xp! + r * d, d)
                                    if s > top.threshold, filter?.allows(ip![r]) ?? true { top.push(score: s, id: ip![r], row: r) }
                                }
                                (outBox.value + qi).pointee = top.neighbors()
                            }
                        }
                    }
                }
            }
        }
        return results
    }
}
