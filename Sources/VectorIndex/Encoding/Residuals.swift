/// Residuals relative to the coarse centroids: PQ encodes `x − c(list)`, whose spread is much smaller
/// than `x`'s, so the same code size quantises it more finely.
struct Residuals: Sendable {
    let centroids: [Float]
    let dimension: Int

    /// `x − c(list)` into `out[0..<d]`.
    @inline(__always)
    func residual(_ x: UnsafePointer<Float>, list: Int, into out: UnsafeMutablePointer<Float>) {
        centroids.withUnsafeBufferPointer { c in
            let cl = c.baseAddress! + list * dimension
            for j in 0..<dimension { out[j] = x[j] - cl[j] }
        }
    }

    /// `c(list)` copied into `out[0..<d]`.
    func centroid(_ list: Int, into out: UnsafeMutablePointer<Float>) {
        centroids.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + list * dimension, count: dimension) }
    }

    /// `q·c(list)`.
    func dot(_ q: UnsafePointer<Float>, list: Int) -> Float {
        centroids.withUnsafeBufferPointer { Kernels.dot(q, $0.baseAddress! + list * dimension, dimension) }
    }

    /// The residuals of the rows of `sample` (`n × d`) relative to their nearest centroid.
    static func of(sample: [Float], centroids: [Float], dimension d: Int, metric: Metric, threads: Int) -> [Float] {
        let n = sample.count / d
        guard n > 0 else { return [] }
        let assignment = CoarseQuantizer(centroids: centroids, dimension: d, metric: metric)
            .assign(try! ArrayVectors(sample, dimension: d), range: 0..<n, threads: threads)
        var out = sample
        for i in 0..<n {
            let l = Int(assignment[i])
            for j in 0..<d { out[i * d + j] -= centroids[l * d + j] }
        }
        return out
    }
}
