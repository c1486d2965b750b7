/// A moment of a video that matched a query: where to start watching, and how well it matched.
public struct Moment: Sendable, Equatable, Codable {
    public var timestamp: Double
    public var score: Float

    public init(timestamp: Double, score: Float) {
        self.timestamp = timestamp
        self.score = score
    }
}
