import Catalog

/// One nearest-neighbour hit mapped to its item: an image (`timestamp == nil`) or one frame of a video.
public struct VisualHit: Sendable, Equatable {
    public var item: ItemKey
    /// Seconds into the video of the matching frame; nil for an image.
    public var timestamp: Double?
    /// Similarity (higher is better), as the vector index reports it.
    public var score: Float

    public init(item: ItemKey, timestamp: Double? = nil, score: Float) {
        self.item = item
        self.timestamp = timestamp
        self.score = score
    }
}

/// Every hit of one item folded together: an image, or a video with its best moments.
public struct ItemHit: Sendable, Equatable {
    public var item: ItemKey
    /// The best score among the item's hits (a video scores as its best frame).
    public var score: Float
    /// How many of the item's vectors were hits (frames of a video; 1 for an image).
    public var matchedVectors: Int
    /// For a video, its best moments, best first, at least `momentSpacing` seconds apart; empty for images.
    public var moments: [Moment]

    /// The best moment's timestamp (videos only).
    public var timestamp: Double? { moments.first?.timestamp }
}

/// Folds frame-level hits into one answer per item, the way a user wants video results: each video once,
/// scored by its best frame, with ties broken by how many of its frames matched, and with its best
/// timestamps ("moments") so the player can jump there.
///
/// The vector index returns frames, not videos, so callers over-fetch (e.g. `k × 4` vectors) to end up
/// with `k` distinct items.
public enum FrameHitGrouping {
    /// Groups `hits` per item, best first (score, then matched vectors, then item key for a stable order).
    /// - Parameters:
    ///   - maxMoments: most moments kept per video.
    ///   - momentSpacing: moments closer than this many seconds to a better one are the same scene and dropped.
    public static func group(_ hits: [VisualHit], maxMoments: Int = 3, momentSpacing: Double = 2) -> [ItemHit] {
        var byItem: [ItemKey: [VisualHit]] = [:]
        for hit in hits { byItem[hit.item, default: []].append(hit) }
        let grouped = byItem.map { item, itemHits -> ItemHit in
            let ordered = itemHits.sorted { $0.score > $1.score }
            var moments: [Moment] = []
            for hit in ordered {
                guard moments.count < maxMoments, let time = hit.timestamp else { continue }
                if moments.allSatisfy({ abs($0.timestamp - time) >= momentSpacing }) {
                    moments.append(Moment(timestamp: time, score: hit.score))
                }
            }
            return ItemHit(item: item, score: ordered[0].score, matchedVectors: itemHits.count, moments: moments)
        }
        return grouped.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.matchedVectors != $1.matchedVectors { return $0.matchedVectors > $1.matchedVectors }
            return $0.item < $1.item
        }
    }
}
