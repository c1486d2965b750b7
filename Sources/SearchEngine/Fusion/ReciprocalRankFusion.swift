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
        /// The best (smallest) of ``sourceRanks``: the first tie-breaker.
        public var bestRank: Int
        /// When the key was first seen (sources in order, each list best first): the last tie-breaker.
        var firstSeen: Int
    }

    /// Fuses `rankings` (each list best first; a key repeated within one list counts at its best rank).
    /// Results are sorted by fused score, ties broken by the best single rank, then by the order in which
    /// keys were first seen (so the output is deterministic).
    public func fuse<Key: Hashable & Sendable>(_ rankings: [RankingSource: [Key]]) -> [Result<Key>] {
        // One slot per key; the sort compares stored fields only (it runs over every fused key, up to the
        // paging depth of each source — thousands per query).
        var results: [Result<Key>] = []
        var slots: [Key: Int] = [:]
        let total = rankings.values.reduce(0) { $0 + $1.count }
        results.reserveCapacity(total)
        slots.reserveCapacity(total)
        for source in rankings.keys.sorted() {
            let weight = weights[source] ?? 1
            for (index, key) in rankings[source]!.enumerated() {
                let rank = index + 1
                let slot: Int
                if let existing = slots[key] {
                    slot = existing
                    if results[slot].sourceRanks[source] != nil { continue }
                } else {
                    slot = results.count
                    slots[key] = slot
                    results.append(Result(key: key, score: 0, sourceRanks: [:], bestRank: rank, firstSeen: slot))
                }
                results[slot].sourceRanks[source] = rank
                results[slot].score += weight / (k + Double(rank))
                results[slot].bestRank = min(results[slot].bestRank, rank)
            }
        }
        return results.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.bestRank != b.bestRank { return a.bestRank < b.bestRank }
            return a.firstSeen < b.firstSeen
        }
    }
}
