/// A label the image model gave an item (for a video: aggregated over its frames), with its score.
public struct AutoTag: Sendable, Equatable, Hashable, Codable {
    public var label: String
    public var score: Float

    public init(label: String, score: Float) {
        self.label = label
        self.score = score
    }
}
