import SearchEngine
import Testing

@Suite struct ReciprocalRankFusionTests {
    @Test func scoresAreSumsOfReciprocalRanks() {
        let fused = ReciprocalRankFusion().fuse([.bm25: ["a", "b", "c"], .semantic: ["c", "a", "d"]])
        let scores = Dictionary(uniqueKeysWithValues: fused.map { ($0.key, $0.score) })
        #expect(abs(scores["a"]! - (1.0 / 61 + 1.0 / 62)) < 1e-15)
        #expect(abs(scores["c"]! - (1.0 / 63 + 1.0 / 61)) < 1e-15)
        #expect(abs(scores["b"]! - 1.0 / 62) < 1e-15)
        #expect(fused.map(\.key) == ["a", "c", "b", "d"])
        #expect(fused[0].sourceRanks == [.bm25: 1, .semantic: 2])
        #expect(fused[3].sourceRanks == [.semantic: 3])
    }

    @Test func weightsAndKChangeTheOrder() {
        let lists: [RankingSource: [Int]] = [.bm25: [1, 2], .semantic: [2, 1]]
        // Equal weights: a tie, broken by the best single rank, then by first appearance.
        #expect(ReciprocalRankFusion().fuse(lists).map(\.key) == [1, 2])
        #expect(ReciprocalRankFusion(weights: [.semantic: 2]).fuse(lists).map(\.key) == [2, 1])
        #expect(ReciprocalRankFusion(weights: [.bm25: 3]).fuse(lists).map(\.key) == [1, 2])
        // Small k rewards a single first place over two middling ranks; large k rewards agreement.
        let spread: [RankingSource: [String]] = [.bm25: ["solo", "both"], .semantic: ["x", "y", "both"], .visual: ["z"]]
        #expect(ReciprocalRankFusion(k: 0).fuse(spread).first?.key == "solo")
        #expect(ReciprocalRankFusion(k: 60).fuse(spread).first?.key == "both")
    }

    @Test func zeroWeightKeepsRanksForExplanationButAddsNothing() {
        let fused = ReciprocalRankFusion(weights: [.semantic: 0]).fuse([.bm25: ["a"], .semantic: ["b", "a"]])
        #expect(fused.map(\.key) == ["a", "b"])
        #expect(fused[1].score == 0)
        #expect(fused[0].sourceRanks == [.bm25: 1, .semantic: 2])
    }

    @Test func duplicatesCountOnceAtTheirBestRankAndEmptyInputsAreFine() {
        let fused = ReciprocalRankFusion().fuse([.visual: ["a", "a", "b"]])
        #expect(fused.map(\.key) == ["a", "b"])
        #expect(fused[0].sourceRanks == [.visual: 1])
        #expect(fused[1].sourceRanks == [.visual: 3])
        #expect(ReciprocalRankFusion().fuse([RankingSource: [Int]]()).isEmpty)
        #expect(ReciprocalRankFusion().fuse([.bm25: [Int]()]).isEmpty)
    }
}
