import Catalog
import Foundation

/// An item's metadata as JSON: `GET /v1/items/{id}`, the `items` of `GET /v1/items`, and one line per
/// item of `vsearch items --json` (the same type both ways).
public struct ItemDTO: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var path: String
    public var title: String
    public var description: String
    public var tags: [String]
    public var autoTags: [AutoTagDTO]
    public var width: Int?
    public var height: Int?
    public var duration: Double?
    /// ISO 8601.
    public var addedAt: String
    public var contentHash: String?
    /// Sampled frames of a video in the index (0 for an image).
    public var frames: Int
    public var thumbnail: String

    /// The record of `item` with `frames` sampled frames.
    public init(_ item: CatalogItem, frames: Int) {
        id = item.id
        kind = item.kind.rawValue
        path = item.source
        title = item.title
        description = item.description
        tags = item.tags
        autoTags = item.autoTags.map { AutoTagDTO(label: $0.label, score: Double($0.score)) }
        width = item.width
        height = item.height
        duration = item.duration
        addedAt = ISO8601DateFormatter().string(from: item.addedAt)
        contentHash = item.contentHash
        self.frames = frames
        thumbnail = SearchHit.thumbnailPath(id: item.id, timestamp: nil)
    }
}

/// An auto-tag (an ImageNet label of the image model) and its score.
public struct AutoTagDTO: Codable, Sendable, Equatable {
    public var label: String
    public var score: Double
}
