import Parallelism

/// Nearest-centroid assignment with BLAS: scores = rows · centroidsᵀ, then a per-row argmax.
/// For L2 the score is `x·c − ‖c‖²/2` (same argmax as the smallest distance); for inner product `x·c`.
struct CoarseQuantizer: Sendable {
    let centroids: [Float]
    let nlist: Int
    let dimension: Int
    let metric: Metric
    /// `‖c‖²/2` per centroid (L2 only; empty for inner product).
    let halfNorms: [Float]

    init(centroids: [Float], dimension: Int, metric: Metric) {
        self.centroids = centroids
        self.dimension = dimension
        self.nlist = centroids.count / dimension
        self.metric = metric
        if metric == .l2 {
            halfNorms = centroids.withUnsafeBufferPointer { c in
                (0..<(centroids.count / dimension)).map { 0.5 * Kernels.dot(c.baseAddress! + $0 * dimension, c.baseAddress! + $0 * dimension, dimension) }
            }
        } else {
            halfNorms = []
        }
    }

    /// Rows per BLAS call. `sgemm` packs the whole centroid matrix on every call, so small blocks pay
    /// that copy again and again (20% of k-means time at 82 rows × 12,649 lists); the score block
    /// (`rowsPerBlock × nlist` floats, ≈ 16 MB) is streamed once by the argmax.
    var rowsPerBlock: Int { max(256, min(1024, (1 << 22) / max(nlist, 1))) }

    /// Below this many rows the SIMD kernel beats `sgemm`, whose per-call packing dominates small
    /// products (measured with OpenBLAS 0.3.21, 4000×128 centroids: 84 µs for one query, 12 µs/query at 131).
    static let gemmMinimumRows = 16

    /// Scores of `count` rows (stride `stride`) against every centroid into `out[count × nlist]`.
    func scores(_ rows: UnsafePointer<Float>, stride: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        centroids.withUnsafeBufferPointer { c in
            if count < Self.gemmMinimumRows {
                for r in 0..<count {
                    Kernels.scoreRows(.innerProduct, rows + r * stride, c.baseAddress!, count: nlist, d: dimension, into: out + r * nlist)
                }
            } else {
                gemmABt(m: count, n: nlist, k: dimension, a: rows, lda: stride, b: c.baseAddress!, ldb: dimension, c: out, ldc: nlist)
            }
        }
        if metric == .l2 {
            halfNorms.withUnsafeBufferPointer { h in
                for r in 0..<count {
                    let row = out + r * nlist
                    for j in 0..<nlist { row[j] -= h[j] }
                }
            }
        }
    }

    /// The nearest centroid of each of `count` rows into `assignment`; uses `scratch[rowsPerBlock × nlist]`.
    func assign(_ rows: UnsafePointer<Float>, stride: Int, count: Int, scratch: UnsafeMutablePointer<Float>,
                into assignment: UnsafeMutablePointer<Int32>) {
        var s = 0
        let block = rowsPerBlock
        while s < count {
            let m = min(block, count - s)
            scores(rows + s * stride, stride: stride, count: m, into: scratch)
            for r in 0..<m {
                let row = scratch + r * nlist
                var best = 0
                var bestScore = row[0]
                for j in 1..<nlist where row[j] > bestScore { best = j; bestScore = row[j] }
                assignment[s + r] = Int32(best)
            }
            s += m
        }
    }

    /// Assigns every vector of `source` (rows `range`) on `threads` workers.
    func assign(_ source: some VectorSource, range: Range<Int>, threads: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: range.count)
        let block = rowsPerBlock
        out.withUnsafeMutableBufferPointer { o in
            let outBox = SendableBox(o.baseAddress!)
            let lower = range.lowerBound
            Parallel.chunks(total: range.count, chunk: block * 4, threads: threads) { r, _ in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: block * nlist)
                defer { scratch.deallocate() }
                source.withRows((lower + r.lowerBound)..<(lower + r.upperBound)) { p, stride in
                    assign(p, stride: stride, count: r.count, scratch: scratch, into: outBox.value + r.lowerBound)
                }
            }
        }
        return out
    }
}
