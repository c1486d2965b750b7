/// One sampled frame of a video and the id of its vector in the visual index.
public struct VideoFrame: Sendable, Equatable, Codable {
    public var videoID: String
    /// Seconds from the start.
    public var timestamp: Double
    public var vectorID: Int64

    public init(videoID: String, timestamp: Double, vectorID: Int64) {
        self.videoID = videoID
        self.timestamp = timestamp
        self.vectorID = vectorID
    }
}
