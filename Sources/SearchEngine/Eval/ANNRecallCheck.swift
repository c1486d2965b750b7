import Foundation
import VectorIndex

/// Recall and speed at one nprobe.
public struct ANNCheckRow: Sendable, Equatable {
    public var nprobe: Int
    /// Mean recall@k against exact search (see ``ANNRecallCheck``).
    public var recall: Double
    /// Queries per second of the IVF search of the whole sample (one batch on `threads`; the fastest of
    /// `repetitions` runs).
    public var qps: Double
}

/// What the check found.
public struct ANNCheckReport: Sendable {
    public var vectors: Int
    public var nlist: Int
    public var queries: Int
    public var k: Int
    public var targetRecall: Double
    public var rows: [ANNCheckRow]
    /// Exact search speed over the same vectors and queries (brute force, same threads).
    public var exactQPS: Double
    /// The smallest measured nprobe whose recall reaches the target; nil when none does.
    public var recommended: ANNCheckRow? { rows.first { $0.recall >= targetRecall } }
}

/// Recall@k of an IVF index against exact search over **the same stored vectors**.
///
/// Queries are a seeded uniform sample of the index's own live vectors. Each query is in the index, so
/// it is its own nearest neighbour; it is removed from both answers (searched with `k + 1`) so only
/// real neighbours count. Ties are scored as ann-benchmarks does: an IVF result counts as a true
/// neighbour when its exact score is at least the exact k-th best score (minus 1e-5 relative), so
/// equal-scored duplicates cannot lower recall. The exact answer comes from ``FlatIndex`` (brute force).
/// Memory: the live vectors are read out once and copied into the flat index, about
/// `2 × count × dimension × 4` bytes (1 GB for 1M × 128).
public enum ANNRecallCheck {
    public static func run(_ index: IVFIndex, options: ANNCheckOptions) throws -> ANNCheckReport {
        guard options.k >= 1 else { throw EvalError("--k", "must be at least 1") }
        guard options.sample >= 1 else { throw EvalError("--sample", "must be at least 1") }
        let table = try index.liveVectors(threads: options.threads)
        guard table.count >= 2 else { throw EvalError(index.directory, "holds \(table.count) live vectors; the check needs at least 2") }
        let d = table.dimension
        var flat = FlatIndex(dimension: d, metric: index.metric)
        try flat.add(table.vectors, ids: table.ids)
        var rng = SplitMix64(seed: options.seed)
        let rows = Array((0..<table.count).shuffled(using: &rng).prefix(options.sample)).sorted()
        var queries = [Float]()
        queries.reserveCapacity(rows.count * d)
        for r in rows { queries += table.vectors[(r * d)..<((r + 1) * d)] }
        let depth = options.k + 1
        let clock = ContinuousClock()
        var t0 = clock.now
        let exact = try flat.search(batch: queries, k: depth, options: SearchOptions(threads: options.threads))
        let exactSeconds = (clock.now - t0).seconds
        // Exact neighbours without the query itself, and each id's row for exact re-scoring.
        let truth = zip(rows, exact).map { row, hits in Array(hits.filter { $0.id != table.ids[row] }.prefix(options.k)) }
        var rowOfID: [Int64: Int] = [:]
        rowOfID.reserveCapacity(table.count)
        for (i, id) in table.ids.enumerated() { rowOfID[id] = i }
        let nprobes = Array(Set(options.nprobes.map { max(1, min($0, index.nlist)) })).sorted()
        var results: [ANNCheckRow] = []
        // One untimed pass first, so the first timed row does not pay for bringing the lists back into
        // the cache after the exact search streamed every vector through it.
        _ = try index.search(batch: queries, k: depth, options: SearchOptions(nprobe: nprobes.first ?? 1, threads: options.threads))
        for nprobe in nprobes {
            var found: [[Neighbor]] = []
            var seconds = Double.infinity
            for _ in 0..<max(1, options.repetitions) {
                t0 = clock.now
                found = try index.search(batch: queries, k: depth, options: SearchOptions(nprobe: nprobe, threads: options.threads))
                seconds = min(seconds, (clock.now - t0).seconds)
            }
            var recallSum = 0.0
            for (qi, row) in rows.enumerated() {
                let wanted = truth[qi]
                guard let kth = wanted.last?.score else { recallSum += 1; continue }
                let tolerance = 1e-5 * max(1, abs(kth))
                let query = table.vectors[(row * d)..<((row + 1) * d)]
                var good = 0
                for n in found[qi].filter({ $0.id != table.ids[row] }).prefix(options.k) {
                    guard let r = rowOfID[n.id] else { continue }
                    if exactScore(index.metric, query, table.vectors[(r * d)..<((r + 1) * d)]) >= kth - Float(tolerance) { good += 1 }
                }
                recallSum += Double(good) / Double(wanted.count)
            }
            results.append(ANNCheckRow(nprobe: nprobe, recall: recallSum / Double(rows.count), qps: Double(rows.count) / max(seconds, 1e-9)))
        }
        return ANNCheckReport(vectors: table.count, nlist: index.nlist, queries: rows.count, k: options.k,
                              targetRecall: options.targetRecall, rows: results,
                              exactQPS: Double(rows.count) / max(exactSeconds, 1e-9))
    }

    /// The score `FlatIndex` gives (higher is better): inner product, or negated squared L2 distance.
    /// Accumulated in Double so it is at least as accurate as the index's fp32 kernels.
    static func exactScore(_ metric: Metric, _ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var s = 0.0
        if metric == .innerProduct {
            for (x, y) in zip(a, b) { s += Double(x) * Double(y) }
            return Float(s)
        }
        for (x, y) in zip(a, b) { let t = Double(x) - Double(y); s += t * t }
        return Float(-s)
    }
}
