/// k-means for the IVF coarse quantizer.
///
/// - Sample: at most `maxPointsPerCluster × k` vectors chosen uniformly (selection sampling, one pass,
///   seeded), copied into memory in shuffled order. Memory is bounded by the sample, not by `N`, so
///   10M-vector sources train in a few hundred MB.
/// - Seeding: k-means++ (D² sampling) on the first `seedingPointsPerCluster × k` vectors of the shuffled
///   sample — the same algorithm on a smaller uniform subsample, which bounds its `O(k·m·d)` cost.
/// - Lloyd iterations: assignments by BLAS (`CoarseQuantizer`), parallel over row blocks; new centroids are
///   means (normalised for inner product: spherical k-means, matching cosine search).
/// - Empty clusters: split the largest cluster (its centroid perturbed by ±ε in alternating
///   coordinates, as FAISS does), so every list ends up non-degenerate.
/// - Deterministic for a given seed and thread count-independent (assignment is per row; sums are
///   accumulated in row order).
public struct KMeans: Sendable {
    public var clusters: Int
    public var iterations: Int = 12
    public var seed: UInt64 = 1234
    public var maxPointsPerCluster: Int = 64
    public var seedingPointsPerCluster: Int = 4
    public var metric: Metric = .innerProduct
    public var threads: Int = 1

    public init(clusters: Int, metric: Metric, iterations: Int = 12, seed: UInt64 = 1234, threads: Int = 1) {
        self.clusters = clusters
        self.metric = metric
        self.iterations = iterations
        self.seed = seed
        self.threads = threads
    }

    /// The training sample: `min(N, maxPointsPerCluster·k)` rows, shuffled, row-major.
    func sample(_ source: some VectorSource) -> [Float] {
        let n = source.count, d = source.dimension
        let want = min(n, max(clusters, maxPointsPerCluster * clusters))
        var rng = SplitMix64(seed: seed)
        var rows = [Int]()
        rows.reserveCapacity(want)
        if want == n {
            rows = Array(0..<n)
        } else {
            var needed = want
            for i in 0..<n where needed > 0 {
                if rng.unit() * Double(n - i) < Double(needed) { rows.append(i); needed -= 1 }
            }
        }
        rows.shuffle(using: &rng)
        var out = [Float](repeating: 0, count: rows.count * d)
        out.withUnsafeMutableBufferPointer { o in
            for (k, r) in rows.enumerated() {
                source.withRows(r..<(r + 1)) { p, _ in (o.baseAddress! + k * d).update(from: p, count: d) }
            }
        }
        return out
    }

    /// Trains `clusters` centroids (`clusters × d`, row-major) on a sample of `source`.
    public func train(_ source: some VectorSource) -> [Float] {
        train(sample: sample(source), dimension: source.dimension)
    }

    /// Trains on an in-memory sample (`n × d`, row-major).
    public func train(sample: [Float], dimension d: Int) -> [Float] {
        let n = sample.count / d
        let k = clusters
        precondition(n >= k && k > 0, "k-means needs at least as many points as clusters")
        var centroids = seedPlusPlus(sample, n: n, d: d)
        if metric == .innerProduct { normalise(&centroids, d: d) }
        var assignment = [Int32](repeating: -1, count: n)
        let source = try! ArrayVectors(sample, dimension: d)
        for _ in 0..<iterations {
            let quantizer = CoarseQuantizer(centroids: centroids, dimension: d, metric: metric)
            let next = quantizer.assign(source, range: 0..<n, threads: threads)
            var changed = 0
            for i in 0..<n where next[i] != assignment[i] { changed += 1 }
            assignment = next
            centroids = update(sample, assignment: assignment, n: n, d: d, previous: centroids)
            if changed == 0 { break }
        }
        return centroids
    }

    private func seedPlusPlus(_ x: [Float], n: Int, d: Int) -> [Float] {
        let k = clusters
        let m = min(n, max(k, seedingPointsPerCluster * k))
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        var centroids = [Float](repeating: 0, count: k * d)
        var minDist = [Float](repeating: .infinity, count: m)
        x.withUnsafeBufferPointer { xs in
            centroids.withUnsafeMutableBufferPointer { cs in
                let first = Int(rng.next() % UInt64(m))
                (cs.baseAddress!).update(from: xs.baseAddress! + first * d, count: d)
                for c in 0..<k {
                    if c > 0 {
                        var total = 0.0
                        for i in 0..<m { total += Double(minDist[i]) }
                        var pick = m - 1
                        if total > 0 {
                            var target = rng.unit() * total
                            for i in 0..<m {
                                target -= Double(minDist[i])
                                if target < 0 { pick = i; break }
                            }
                        } else {
                            pick = Int(rng.next() % UInt64(m))
                        }
                        (cs.baseAddress! + c * d).update(from: xs.baseAddress! + pick * d, count: d)
                    }
                    let center = UnsafePointer(cs.baseAddress! + c * d)
                    for i in 0..<m {
                        let dist = Kernels.l2Squared(center, xs.baseAddress! + i * d, d)
                        if dist < minDist[i] { minDist[i] = dist }
                    }
                }
            }
        }
        return centroids
    }

    private func update(_ x: [Float], assignment: [Int32], n: Int, d: Int, previous: [Float]) -> [Float] {
        let k = clusters
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            let c = Int(assignment[i])
            counts[c] += 1
            let base = c * d, row = i * d
            for j in 0..<d { sums[base + j] += Double(x[row + j]) }
        }
        var centroids = [Float](repeating: 0, count: k * d)
        for c in 0..<k where counts[c] > 0 {
            let inv = 1.0 / Double(counts[c])
            for j in 0..<d { centroids[c * d + j] = Float(sums[c * d + j] * inv) }
        }
        // Empty-cluster repair: split the currently largest cluster in two.
        let eps: Float = 1.0 / 1024
        for c in 0..<k where counts[c] == 0 {
            var largest = 0
            for j in 1..<k where counts[j] > counts[largest] { largest = j }
            for j in 0..<d {
                let v = centroids[largest * d + j]
                let sign: Float = j % 2 == 0 ? 1 : -1
                centroids[c * d + j] = v * (1 + sign * eps)
                centroids[largest * d + j] = v * (1 - sign * eps)
            }
            counts[c] = counts[largest] / 2
            counts[largest] -= counts[c]
        }
        if metric == .innerProduct { normalise(&centroids, d: d) }
        return centroids
    }

    private func normalise(_ c: inout [Float], d: Int) {
        for r in 0..<(c.count / d) {
            var s: Float = 0
            for j in 0..<d { s += c[r * d + j] * c[r * d + j] }
            if s > 0 {
                let inv = 1 / s.squareRoot()
                for j in 0..<d { c[r * d + j] *= inv }
            }
        }
    }
}
