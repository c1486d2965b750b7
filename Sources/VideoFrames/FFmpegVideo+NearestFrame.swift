extension FFmpegVideo {
    /// The sampled frame nearest `at` seconds: frames are offered by `policy` until one at or past `at`
    /// (a later one cannot be nearer). Throws `.decodeFailed` when no frame decodes. The policy decides the
    /// cost: an interval of `at` itself lets the demuxer seek straight there (thumbnails); a tiny interval
    /// offers every decoded frame (an exact screenshot). `timeLimit`: seconds this call may take (see
    /// ``sampleFrames(policy:timeLimit:_:)``); a thumbnail request passes a short one.
    public func nearestFrame(to at: Double, policy: SamplingPolicy, timeLimit: Double? = nil) throws -> SampledFrame {
        struct Reached: Error {}
        var nearest: SampledFrame?
        do {
            _ = try sampleFrames(policy: policy, timeLimit: timeLimit) { frame in
                if abs(frame.timestamp - at) < abs((nearest?.timestamp ?? .infinity) - at) { nearest = frame }
                if frame.timestamp >= at { throw Reached() }
            }
        } catch is Reached {}
        guard let nearest else { throw VideoError(.decodeFailed, path: path, reason: "no frame decoded") }
        return nearest
    }
}
