/// Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): combines rankings from several
/// retrievers by rank alone, so scores on different scales (BM25, cosine) need no calibration.
///
/// `score(d) = Σ_s  weight_s / (k + rank_s(d))` over the sources `s` that ranked `d` (rank 1 = best).
/// A larger `k` flattens the advantage of top ranks; 60 is the paper's value.
public struct ReciprocalRankFusion: Sendable, Equatable {
    public var k: Double
    /// Per-source weights; sources missing here weigh 1.
    public var weights: [RankingSource: Double]

    public init(k: Double = 60, weights: [RankingSource: Double] = [:]) {
        precondition(k >= 0, "RRF k must be non-negative")
        self.k = k
        self.weights = weights
    }

    /// One fused result: the fused score and the 1-based rank it had in each contributing source.
    public struct Result<Key: Hashable & Sendable>: Sendable {
        public var key: Key
        public var score: Double
        public var sourceRanks: [RankingSource: Int]
    }

    /// Fuses `rankings` (each list best first; a key repeated within one list counts at its best rank).
    /// Results are sorted by fused score, ties broken by the best single rank, then by the order in which
    /// keys were first seen (so the output is deterministic).
    public func fuse<Key: Hashable & Sendable>(_ rankings: [RankingSource: [Key]]) -> [Result<Key>] {
        var results: [Key: Result<Key>] = [:]
        var firstSeen: [Key: Int] = [:]
        for source in rankings.keys.sorted() {
            let weight = weights[source] ?? 1
            for (index, key) in rankings[source]!.enumerated() {
                let rank = index + 1
                if firstSeen[key] == nil { firstSeen[key] = firstSeen.count }
                var result = results[key] ?? Result(key: key, score: 0, sourceRanks: [:])
                if result.sourceRanks[source] != nil { continue }
                result.sourceRanks[source] = rank
                result.score += weight / (k + Double(rank))
                results[key] = result
            }
        }
        return results.values.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let bestA = a.sourceRanks.values.min()!, bestB = b.sourceRanks.values.min()!
            if bestA != bestB { return bestA < bestB }
            return firstSeen[a.key]! < firstSeen[b.key]!
        }
    }
}
