import Testing
@testable import VideoFrames

/// A flat signature of one gray level, and one with a gradient to make frames differ.
private func flat(_ level: UInt8) -> FrameSignature {
    FrameSignature(luma: [UInt8](repeating: level, count: FrameSignature.side * FrameSignature.side))
}

@Suite struct FrameSamplerTests {
    @Test func distanceIsScaledMeanAbsoluteDifference() {
        #expect(flat(0).distance(to: flat(255)) == 1)
        #expect(flat(10).distance(to: flat(10)) == 0)
        #expect(abs(flat(0).distance(to: flat(51)) - 0.2) < 1e-12)
    }

    @Test func keepsFirstFrameThenOnePerIntervalWhenThePictureMoves() {
        var sampler = FrameSampler(policy: SamplingPolicy(interval: 1))
        var kept: [Double] = []
        // 25 fps for 5 s, slowly brightening: no cuts, never a duplicate of the last kept frame.
        for i in 0..<125 {
            let t = Double(i) / 25
            if case .keep = sampler.offer(time: t, signature: flat(UInt8(i * 2))) { kept.append(t) }
        }
        #expect(kept == [0, 1, 2, 3, 4])
    }

    @Test func staticStretchKeepsOnlyTheFirstFrame() {
        var sampler = FrameSampler(policy: SamplingPolicy(interval: 1))
        var keeps = 0
        for i in 0..<250 {
            if case .keep = sampler.offer(time: Double(i) / 25, signature: flat(90)) { keeps += 1 }
        }
        #expect(keeps == 1)
    }

    @Test func sceneCutBetweenSamplesIsKept() {
        var sampler = FrameSampler(policy: SamplingPolicy(interval: 10))
        var decisions: [(Double, FrameSampler.Decision)] = []
        for i in 0..<50 {
            let t = Double(i) / 25
            decisions.append((t, sampler.offer(time: t, signature: flat(i < 30 ? 20 : 200))))
        }
        let kept = decisions.filter { $0.1 != .skip }
        #expect(kept.count == 2)
        #expect(kept.last?.1 == .keep(.sceneCut))
        #expect(kept.last?.0 == 30.0 / 25)
    }

    @Test func cutsTooCloseToTheLastKeptFrameAreIgnored() {
        var sampler = FrameSampler(policy: SamplingPolicy(interval: 10, minimumCutSpacing: 0.5))
        #expect(sampler.offer(time: 0, signature: flat(0)) == .keep(.first))
        #expect(sampler.offer(time: 0.1, signature: flat(255)) == .skip)  // a flash right after
        #expect(sampler.offer(time: 0.6, signature: flat(128)) == .keep(.sceneCut))
    }

    @Test func stopsAtMaxFrames() {
        var sampler = FrameSampler(policy: SamplingPolicy(interval: 0.1, maxFrames: 3))
        var keeps = 0
        for i in 0..<100 {
            if case .keep = sampler.offer(time: Double(i) / 10, signature: flat(UInt8(i % 2 == 0 ? 0 : 250))) { keeps += 1 }
        }
        #expect(keeps == 3)
        #expect(sampler.isFull)
    }
}
