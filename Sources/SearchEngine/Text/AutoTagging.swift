import Catalog

/// Turns the image model's labels into an item's auto-tags (searchable like tags: "cat" finds an
/// undescribed photo whose top ImageNet label is "tiger_cat").
public enum AutoTagging {
    /// Labels scoring at least this (softmax probability) become auto-tags.
    public static let defaultThreshold: Float = 0.1
    /// At most this many auto-tags per item.
    public static let defaultLimit = 5

    /// An image's auto-tags: its labels at or above `threshold`, best first, at most `limit`.
    public static func tags(labels: [(name: String, score: Float)], threshold: Float = defaultThreshold,
                            limit: Int = defaultLimit) -> [AutoTag] {
        aggregate(frames: [labels], threshold: threshold, limit: limit)
    }

    /// A video's auto-tags from its frames' labels: each label scores its maximum over the frames (a
    /// cat seen clearly in one scene is a cat in the video), then the threshold and limit apply.
    /// Ties are broken by name so the result is deterministic.
    public static func aggregate(frames: [[(name: String, score: Float)]], threshold: Float = defaultThreshold,
                                 limit: Int = defaultLimit) -> [AutoTag] {
        var best: [String: Float] = [:]
        for frame in frames {
            for label in frame where label.score.isFinite {
                best[label.name] = max(best[label.name] ?? -.infinity, label.score)
            }
        }
        return best.filter { $0.value >= threshold }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(max(0, limit))
            .map { AutoTag(label: $0.key, score: $0.value) }
    }
}
