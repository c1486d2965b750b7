import Catalog
import Foundation
import SearchEngine

/// One search result as JSON: the fields of `vsearch search --json` (same names, same meaning) plus
/// `thumbnail`, the URL of the item's thumbnail (for a video, at its best moment).
public struct SearchHitDTO: Codable, Sendable, Equatable {
    public var rank: Int
    public var id: String
    public var kind: String
    /// Image-only queries: cosine similarity; text or image + text: the RRF score.
    public var score: Double
    public var path: String
    public var title: String
    /// Videos found by the image: seconds of the best moment; else null.
    public var timestamp: Double?
    public var moments: [MomentDTO]
    /// 1-based rank in each source that found the item (`visual`, `bm25`, `semantic`).
    public var sources: [String: Int]
    public var thumbnail: String
    public var tags: [String]
    public var duration: Double?
}

public struct MomentDTO: Codable, Sendable, Equatable {
    public var timestamp: Double
    public var score: Double
}

/// The answer of `/v1/search`.
public struct SearchResponseDTO: Codable, Sendable, Equatable {
    /// `image`, `text` or `image+text`.
    public var query: String
    public var k: Int
    public var tookMilliseconds: Double
    public var results: [SearchHitDTO]
}

/// An item's metadata as JSON (`GET /v1/items/{id}`, `POST /v1/items`).
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
}

public struct AutoTagDTO: Codable, Sendable, Equatable {
    public var label: String
    public var score: Double
}

enum DTOMapping {
    /// RFC 3986 unreserved characters: what an id may keep unescaped in a path segment.
    static let pathSegmentAllowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func thumbnailURL(id: String, timestamp: Double?) -> String {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? id
        return "/v1/items/\(escaped)/thumbnail" + (timestamp.map { "?t=" + String(format: "%.3f", $0) } ?? "")
    }

    static func sources(_ ranks: [RankingSource: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: ranks.map { ($0.key.rawValue, $0.value) })
    }

    static func hit(_ r: QueryResult) -> SearchHitDTO {
        SearchHitDTO(rank: r.rank, id: r.item.id, kind: r.item.kind.rawValue, score: r.score, path: r.item.source,
                     title: r.item.title, timestamp: r.timestamp,
                     moments: r.moments.map { MomentDTO(timestamp: $0.timestamp, score: Double($0.score)) },
                     sources: sources(r.sources), thumbnail: thumbnailURL(id: r.item.id, timestamp: r.timestamp),
                     tags: r.item.tags, duration: r.item.duration)
    }

    /// Text queries match whole items: no best moment (`timestamp` null, `moments` empty), as the CLI.
    static func hit(_ r: SearchResult) -> SearchHitDTO {
        SearchHitDTO(rank: r.rank, id: r.item.id, kind: r.item.kind.rawValue, score: r.score, path: r.item.source,
                     title: r.item.title, timestamp: nil, moments: [], sources: sources(r.sources),
                     thumbnail: thumbnailURL(id: r.item.id, timestamp: nil), tags: r.item.tags, duration: r.item.duration)
    }

    static func item(_ item: CatalogItem, frames: Int) -> ItemDTO {
        ItemDTO(id: item.id, kind: item.kind.rawValue, path: item.source, title: item.title, description: item.description,
                tags: item.tags, autoTags: item.autoTags.map { AutoTagDTO(label: $0.label, score: Double($0.score)) },
                width: item.width, height: item.height, duration: item.duration,
                addedAt: ISO8601DateFormatter().string(from: item.addedAt), contentHash: item.contentHash,
                frames: frames, thumbnail: thumbnailURL(id: item.id, timestamp: nil))
    }
}
