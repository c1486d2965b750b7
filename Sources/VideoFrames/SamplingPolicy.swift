/// Which frames of a video become searchable.
///
/// Frames are kept at a fixed `interval`, plus at scene cuts so short shots are not missed; a frame that
/// is nearly identical to the last kept one is skipped so static stretches do not flood the index.
/// Similarity is measured on a `FrameSignature` (a 16×16 luma thumbnail): the mean absolute difference
/// of its 256 values, scaled to 0…1 (0 = identical, 1 = black against white).
public struct SamplingPolicy: Sendable, Equatable {
    /// Seconds between regular samples (default 1 frame per second).
    public var interval: Double
    /// Most frames kept from one video; sampling stops there with a note in the report.
    public var maxFrames: Int
    /// Signature difference between two consecutive decoded frames that counts as a scene cut.
    public var sceneCutThreshold: Double
    /// A frame due for sampling is skipped when it differs from the last kept frame by less than this.
    public var duplicateThreshold: Double
    /// Scene cuts closer than this many seconds to the last kept frame are not kept (flashes, fades).
    public var minimumCutSpacing: Double
    /// Shorter side, in pixels, of the RGB frames handed out (never upscaled). 256 is what the
    /// image model's preprocessing resizes to before its 224 crop.
    public var outputShorterSide: Int

    public init(
        interval: Double = 1, maxFrames: Int = 600, sceneCutThreshold: Double = 0.12,
        duplicateThreshold: Double = 0.015, minimumCutSpacing: Double = 0.25, outputShorterSide: Int = 256
    ) {
        self.interval = interval
        self.maxFrames = maxFrames
        self.sceneCutThreshold = sceneCutThreshold
        self.duplicateThreshold = duplicateThreshold
        self.minimumCutSpacing = minimumCutSpacing
        self.outputShorterSide = outputShorterSide
    }
}
