/// Bounds that keep a hostile or huge video from exhausting memory or time.
public struct VideoLimits: Sendable, Equatable {
    /// Largest coded frame accepted, in pixels (width × height). Larger streams are refused.
    public var maxPixels: Int
    /// Longest stretch of a video that is sampled, in seconds; the rest is skipped with a warning.
    public var maxDuration: Double
    /// Wall-clock budget per file in seconds, enforced in I/O (interrupt callback) and the decode loop.
    public var timeLimit: Double
    /// Largest file accepted, in bytes.
    public var maxFileBytes: Int

    public init(
        maxPixels: Int = 8192 * 4320, maxDuration: Double = 4 * 3600, timeLimit: Double = 300,
        maxFileBytes: Int = 16 << 30
    ) {
        self.maxPixels = maxPixels
        self.maxDuration = maxDuration
        self.timeLimit = timeLimit
        self.maxFileBytes = maxFileBytes
    }
}
