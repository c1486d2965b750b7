import SearchEngine
import Testing

/// The metric definitions (see `RankingMetrics`) on cases worked by hand; the arithmetic is in the comments.
@Suite struct RankingMetricsTests {
    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test func binaryRelevanceWithTwoHits() throws {
        // ranked a b c d e, R = {a, c, f}, k = 5: hits at ranks 1 and 3.
        // recall = 2/3; precision = 2/5; AP = (1/1 + 2/3) / min(5, 3) = 5/9; RR = 1/1;
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309298;
        // nDCG = 1.5 / 2.1309298 = 0.7039181.
        let m = try #require(RankingMetrics(ranked: ["a", "b", "c", "d", "e"], judgments: RelevanceJudgments(relevant: ["a", "c", "f"]), k: 5))
        #expect(close(m.recall, 2.0 / 3))
        #expect(close(m.precision, 0.4))
        #expect(close(m.averagePrecision, 5.0 / 9))
        #expect(close(m.reciprocalRank, 1))
        #expect(close(m.ndcg, 0.7039180890341347))
        #expect(m.firstRelevantRank == 1)
    }

    @Test func cutoffAndMoreRelevantThanK() throws {
        // ranked x a y b, R = {a, b, c, d, e}, k = 2: only rank 2 (a) counts.
        // recall = 1/5; precision = 1/2; AP = (1/2) / min(2, 5) = 0.25; RR = 1/2;
        // DCG = 1/log2(3) = 0.6309298; IDCG = 1 + 1/log2(3) = 1.6309298; nDCG = 0.3868528.
        let m = try #require(RankingMetrics(ranked: ["x", "a", "y", "b"], judgments: RelevanceJudgments(relevant: ["a", "b", "c", "d", "e"]), k: 2))
        #expect(close(m.recall, 0.2))
        #expect(close(m.precision, 0.5))
        #expect(close(m.averagePrecision, 0.25))
        #expect(close(m.reciprocalRank, 0.5))
        #expect(close(m.ndcg, 0.38685280723454163))
        #expect(m.firstRelevantRank == 2)
    }

    @Test func gradedRelevanceUsesExponentialGain() throws {
        // grades a:3, b:1, c:2; ranked b a z, k = 3. Gains 2^g − 1: a 7, b 1, c 3.
        // DCG = 1/log2(2) + 7/log2(3) = 1 + 4.4165083 = 5.4165083;
        // ideal order a c b: IDCG = 7/1 + 3/log2(3) + 1/log2(4) = 7 + 1.8927893 + 0.5 = 9.3927893;
        // nDCG = 0.5766666. Binary view: hits at 1 and 2 of |R| = 3: recall 2/3, precision 2/3,
        // AP = (1/1 + 2/2) / 3 = 2/3, RR = 1.
        let judgments = RelevanceJudgments(grades: ["a": 3, "b": 1, "c": 2, "zero": 0])
        #expect(judgments.relevantCount == 3)
        let m = try #require(RankingMetrics(ranked: ["b", "a", "z"], judgments: judgments, k: 3))
        #expect(close(m.ndcg, 0.5766666455144387))
        #expect(close(m.recall, 2.0 / 3))
        #expect(close(m.precision, 2.0 / 3))
        #expect(close(m.averagePrecision, 2.0 / 3))
        #expect(close(m.reciprocalRank, 1))
    }

    @Test func missesShortListsDuplicatesAndUndefinedQueries() throws {
        // No relevant result: everything 0.
        let miss = try #require(RankingMetrics(ranked: ["x", "y"], judgments: RelevanceJudgments(relevant: ["a"]), k: 2))
        #expect(miss.recall == 0 && miss.precision == 0 && miss.averagePrecision == 0 && miss.reciprocalRank == 0 && miss.ndcg == 0)
        #expect(miss.firstRelevantRank == nil)
        // One result for k = 10: precision = 1/10 (missing results are non-relevant); AP = 1/min(10, 1) = 1; nDCG = 1.
        let short = try #require(RankingMetrics(ranked: ["a"], judgments: RelevanceJudgments(relevant: ["a"]), k: 10))
        #expect(close(short.precision, 0.1) && close(short.recall, 1) && close(short.averagePrecision, 1) && close(short.ndcg, 1))
        // A duplicated id counts once: a a for R = {a}, k = 2 → precision 1/2.
        let dup = try #require(RankingMetrics(ranked: ["a", "a"], judgments: RelevanceJudgments(relevant: ["a"]), k: 2))
        #expect(close(dup.precision, 0.5) && close(dup.recall, 1))
        // No relevant ids: undefined.
        #expect(RankingMetrics(ranked: ["a"], judgments: RelevanceJudgments(grades: ["a": 0]), k: 1) == nil)
    }

    @Test func meansOverQueries() throws {
        // mAP of the first two cases: (5/9 + 0.25) / 2 = 0.4027778; MRR (1 + 0.5) / 2 = 0.75.
        let a = try #require(RankingMetrics(ranked: ["a", "b", "c", "d", "e"], judgments: RelevanceJudgments(relevant: ["a", "c", "f"]), k: 5))
        let b = try #require(RankingMetrics(ranked: ["x", "a", "y", "b"], judgments: RelevanceJudgments(relevant: ["a", "b", "c", "d", "e"]), k: 5))
        // b at k = 5: hits at 2 (a) and 4 (b): AP = (1/2 + 2/4) / min(5, 5) = 0.2, RR = 0.5.
        let mean = try #require(RankingMetrics.mean([a, b]))
        #expect(close(mean.averagePrecision, (5.0 / 9 + 0.2) / 2))
        #expect(close(mean.reciprocalRank, 0.75))
        #expect(RankingMetrics.mean([]) == nil)
    }
}
