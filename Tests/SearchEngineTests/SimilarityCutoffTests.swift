import Catalog
import Foundation
import SearchEngine
import Testing

/// Issue #19 item 2: `min_similarity` drops, before fusion, the results whose visual and semantic
/// similarities are all below it.
@Suite struct SimilarityCutoffTests {
    @Test func itemsWhoseSimilaritiesAreAllBelowAreDroppedFromEveryRanking() {
        var rankings: [RankingSource: [ItemKey]] = [.visual: [1, 2, 3], .semantic: [3, 2, 4], .bm25: [2, 5, 4]]
        let scores: [RankingSource: [ItemKey: Double]] = [
            .visual: [1: 0.9, 2: 0.2, 3: 0.1], .semantic: [3: 0.6, 2: 0.3, 4: 0.1], .bm25: [2: 9, 5: 3, 4: 1],
        ]
        SimilarityCutoff.apply(0.5, to: &rankings, scores: scores)
        // 2 and 4: every similarity below 0.5 (BM25 does not keep them); 3: semantic 0.6 keeps it; 5: no similarity.
        #expect(rankings[.visual] == [1, 3])
        #expect(rankings[.semantic] == [3])
        #expect(rankings[.bm25] == [5])
    }

    @Test func anImageQueryKeepsOnlyResultsAtOrAboveTheCutoff() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let image = QueryImage.file(path: BuildFixtures.sample("orange.jpg"))
        let all = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 100)))
        let cut = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 100, minSimilarity: 0.3)))
        #expect(!cut.isEmpty && cut.count < all.count)
        #expect(cut.allSatisfy { $0.score >= 0.3 })
        #expect(cut.map(\.id) == all.filter { $0.score >= 0.3 }.map(\.id))
        // Ranks are of the results that remain.
        #expect(cut.map(\.rank) == Array(1...cut.count))
    }

    @Test func aTextQueryDropsWeakSemanticMatches() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let all = try engine.hits(for: SearchRequest(text: "an orange", options: QueryOptions(k: 100)))
        let cut = try engine.hits(for: SearchRequest(text: "an orange", options: QueryOptions(k: 100, minSimilarity: 0.4)))
        #expect(cut.count < all.count)
        #expect(cut.allSatisfy { ($0.scores["semantic"] ?? 1) >= 0.4 })
        #expect(cut.first?.title == "orange")
    }

    @Test func anOutOfRangeCutoffIsATypedError() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        for bad in [1.5, -2, .nan] {
            let error = #expect(throws: SearchEngineError.self) {
                _ = try engine.hits(for: SearchRequest(text: "orange", options: QueryOptions(minSimilarity: bad)))
            }
            #expect(error?.kind == .invalidQuery && error?.subject == "min_similarity")
        }
    }
}
