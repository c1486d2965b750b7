/// The sampling decision as a pure state machine, apart from any decoding, so it can be tested on
/// synthetic signatures. Feed it every decoded frame in presentation order; it answers keep or skip.
public struct FrameSampler: Sendable {
    /// Why a frame was kept.
    public enum Reason: String, Sendable, Codable {
        case first, interval, sceneCut
    }

    public enum Decision: Sendable, Equatable {
        case keep(Reason)
        case skip
    }

    public let policy: SamplingPolicy
    public private(set) var keptCount = 0
    /// Presentation time (seconds) at which the next regular sample is due.
    public private(set) var nextSampleTime: Double = 0
    private var previous: FrameSignature?
    private var lastKept: (time: Double, signature: FrameSignature)?

    public init(policy: SamplingPolicy) {
        self.policy = policy
    }

    /// Whether the sampler has kept as many frames as the policy allows.
    public var isFull: Bool { keptCount >= policy.maxFrames }

    /// Decides on one decoded frame at `time` seconds with the given signature.
    public mutating func offer(time: Double, signature: FrameSignature) -> Decision {
        defer { previous = signature }
        guard !isFull else { return .skip }
        guard let last = lastKept else {
            return keep(.first, time: time, signature: signature)
        }
        let due = time >= nextSampleTime
        let cut = previous.map { signature.distance(to: $0) > policy.sceneCutThreshold } ?? false
            && time - last.time >= policy.minimumCutSpacing
        guard due || cut else { return .skip }
        if due { nextSampleTime = time + policy.interval }
        // A static stretch: the picture has not changed since the last kept frame.
        if signature.distance(to: last.signature) < policy.duplicateThreshold { return .skip }
        return keep(cut ? .sceneCut : .interval, time: time, signature: signature)
    }

    private mutating func keep(_ reason: Reason, time: Double, signature: FrameSignature) -> Decision {
        keptCount += 1
        lastKept = (time, signature)
        nextSampleTime = time + policy.interval
        return .keep(reason)
    }
}
