import Foundation

/// Relevance judgements of one query: a grade per relevant id (grade > 0; unjudged ids are grade 0).
/// Binary judgements use grade 1 for every relevant id.
public struct RelevanceJudgments: Sendable, Equatable {
    /// Grade of each relevant id (every value > 0).
    public let grades: [String: Double]

    /// Keeps the ids with a positive grade.
    public init(grades: [String: Double]) {
        self.grades = grades.filter { $0.value > 0 }
    }

    /// Binary judgements: every id in `relevant` has grade 1.
    public init(relevant: some Sequence<String>) {
        self.init(grades: Dictionary(relevant.map { ($0, 1.0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The number of relevant ids, |R|.
    public var relevantCount: Int { grades.count }
    public func grade(_ id: String) -> Double { grades[id] ?? 0 }
}

/// The offline relevance metrics of one ranked answer list, cut at `k`.
///
/// Notation: `r₁ … r_k` are the first `k` returned ids (fewer if fewer came back), `rel_i = 1` when
/// `r_i` has a positive grade, `g_i` its grade, `R` the set of relevant ids.
///
/// - **recall@k** = |R ∩ {r₁…r_k}| / |R|.
/// - **precision@k** = |R ∩ {r₁…r_k}| / k — divided by `k` even when fewer than `k` results came back
///   (missing results count as non-relevant, as in `trec_eval`).
/// - **AP@k** = (1 / min(k, |R|)) · Σᵢ₌₁ᵏ P@i · relᵢ — average precision normalised by the number of
///   relevant items that *could* appear in the top k, so a perfect top-k scores 1 even when |R| > k.
///   **mAP@k** is its mean over queries.
/// - **RR@k** = 1 / (rank of the first relevant result) if one is in the top k, else 0. **MRR** is its
///   mean over queries.
/// - **nDCG@k** = DCG@k / IDCG@k with DCG@k = Σᵢ₌₁ᵏ (2^{gᵢ} − 1) / log₂(i + 1) (exponential gain,
///   log₂ discount: Järvelin & Kekäläinen's form as popularised by Burges et al.); IDCG@k is the DCG@k of
///   the ideal ordering of all judged grades (highest first). Binary grades make the gain 1 per hit.
///
/// A query with no relevant ids has no defined recall, AP or nDCG; ``RankingMetrics/init(ranked:judgments:k:)``
/// refuses it (callers report such queries as input errors). Duplicated ids in the ranking count once
/// (the later copies are treated as non-relevant).
public struct RankingMetrics: Sendable, Equatable {
    public var k: Int
    public var recall: Double
    public var precision: Double
    public var averagePrecision: Double
    public var reciprocalRank: Double
    public var ndcg: Double
    /// 1-based rank of the first relevant result within the top `k`, nil when none.
    public var firstRelevantRank: Int?

    public init(k: Int, recall: Double, precision: Double, averagePrecision: Double, reciprocalRank: Double,
                ndcg: Double, firstRelevantRank: Int?) {
        self.k = k
        self.recall = recall
        self.precision = precision
        self.averagePrecision = averagePrecision
        self.reciprocalRank = reciprocalRank
        self.ndcg = ndcg
        self.firstRelevantRank = firstRelevantRank
    }

    /// Metrics of `ranked` (best first) against `judgments`, cut at `k` (≥ 1). Returns nil when the
    /// judgements hold no relevant id (the metrics are undefined).
    public init?(ranked: [String], judgments: RelevanceJudgments, k: Int) {
        precondition(k >= 1, "k must be at least 1")
        let relevantCount = judgments.relevantCount
        guard relevantCount > 0 else { return nil }
        var seen = Set<String>()
        var hits = 0
        var precisionSum = 0.0
        var dcg = 0.0
        var first: Int?
        for (i, id) in ranked.prefix(k).enumerated() {
            let rank = i + 1
            guard seen.insert(id).inserted else { continue }
            let grade = judgments.grade(id)
            guard grade > 0 else { continue }
            hits += 1
            precisionSum += Double(hits) / Double(rank)
            dcg += Self.gain(grade) / log2(Double(rank) + 1)
            if first == nil { first = rank }
        }
        let ideal = judgments.grades.values.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (i, grade) in ideal.enumerated() { idcg += Self.gain(grade) / log2(Double(i + 2)) }
        self.init(k: k, recall: Double(hits) / Double(relevantCount), precision: Double(hits) / Double(k),
                  averagePrecision: precisionSum / Double(min(k, relevantCount)),
                  reciprocalRank: first.map { 1 / Double($0) } ?? 0, ndcg: idcg > 0 ? dcg / idcg : 0,
                  firstRelevantRank: first)
    }

    /// Exponential gain 2^grade − 1 (grade 1 → 1, grade 2 → 3, grade 3 → 7).
    static func gain(_ grade: Double) -> Double { pow(2, grade) - 1 }

    /// The mean of each metric over `queries` (mAP, MRR, mean recall/precision/nDCG), or nil if empty.
    public static func mean(_ queries: [RankingMetrics]) -> RankingMetrics? {
        guard let first = queries.first else { return nil }
        let n = Double(queries.count)
        func avg(_ f: (RankingMetrics) -> Double) -> Double { queries.reduce(0) { $0 + f($1) } / n }
        return RankingMetrics(k: first.k, recall: avg(\.recall), precision: avg(\.precision),
                              averagePrecision: avg(\.averagePrecision), reciprocalRank: avg(\.reciprocalRank),
                              ndcg: avg(\.ndcg), firstRelevantRank: nil)
    }
}
