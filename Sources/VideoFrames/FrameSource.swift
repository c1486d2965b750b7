import Imaging

/// One sampled frame: its presentation time and its pixels, scaled for the image model.
public struct SampledFrame: Sendable {
    /// Seconds from the start of the video.
    public let timestamp: Double
    /// RGB pixels, display rotation applied, shorter side at most `SamplingPolicy.outputShorterSide`.
    public let image: Image
    /// Why the sampler kept this frame.
    public let reason: FrameSampler.Reason
}

/// What happened while sampling one video: counts, and the problems that did not stop it.
public struct SamplingReport: Sendable, Equatable {
    public var framesDecoded = 0
    public var framesKept = 0
    /// Packets the decoder rejected (corrupt data); decoding continued after each.
    public var decodeErrors = 0
    /// Seconds of the last decoded frame.
    public var lastTimestamp: Double = 0
    /// Problems that ended sampling early or skipped data (truncation, limits, caps), for the user.
    public var warnings: [String] = []
    /// Number of seeks made to skip ahead when the interval is much longer than a GOP.
    public var seeks = 0
}

/// A source of video frames. `FFmpegVideo` is the implementation; tests may supply their own.
public protocol FrameSource {
    /// Container and stream facts, known once the source is open.
    var info: VideoInfo { get }
    /// Decodes the video in order and hands every frame the policy keeps to `body`, one at a time,
    /// so memory stays flat however long the video. Errors thrown by `body` stop sampling.
    func sampleFrames(policy: SamplingPolicy, _ body: (SampledFrame) throws -> Void) throws -> SamplingReport
}
