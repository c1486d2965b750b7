import Testing
@testable import SearchEngine

@Suite struct FrameHitGroupingTests {
    @Test func videoScoresAsItsBestFrameAndKeepsItsMoments() {
        let hits = [
            VisualHit(item: 7, timestamp: 12, score: 0.80),
            VisualHit(item: 3, score: 0.85),                 // an image
            VisualHit(item: 7, timestamp: 40, score: 0.90),
            VisualHit(item: 7, timestamp: 41, score: 0.89),  // same scene as 40 s
            VisualHit(item: 7, timestamp: 3, score: 0.50),
        ]
        let grouped = FrameHitGrouping.group(hits, maxMoments: 2, momentSpacing: 2)
        #expect(grouped.map(\.item) == [7, 3])
        #expect(grouped[0].score == 0.90)
        #expect(grouped[0].matchedVectors == 4)
        #expect(grouped[0].moments == [Moment(timestamp: 40, score: 0.90), Moment(timestamp: 12, score: 0.80)])
        #expect(grouped[0].timestamp == 40)
        #expect(grouped[1].moments.isEmpty && grouped[1].timestamp == nil)
    }

    @Test func tiesAreBrokenByHowManyFramesMatched() {
        let hits = [
            VisualHit(item: 1, timestamp: 0, score: 0.7),
            VisualHit(item: 2, timestamp: 0, score: 0.7),
            VisualHit(item: 2, timestamp: 9, score: 0.6),
        ]
        #expect(FrameHitGrouping.group(hits).map(\.item) == [2, 1])
    }

    @Test func equalItemsComeOutInAStableOrder() {
        let hits = [VisualHit(item: 9, score: 0.5), VisualHit(item: 4, score: 0.5)]
        #expect(FrameHitGrouping.group(hits).map(\.item) == [4, 9])
        #expect(FrameHitGrouping.group([]).isEmpty)
    }
}
