import Foundation

/// One search result: the type behind both `vsearch search --json` (one object per line) and the
/// `results` of `GET|POST /v1/search` — the CLI and the HTTP service serialise this same value, so their
/// JSON agrees field for field.
public struct SearchHit: Codable, Sendable, Equatable {
    /// 1-based position in the answer.
    public var rank: Int
    public var id: String
    /// `image` or `video`.
    public var kind: String
    /// Queries with a visual side only (image or item): the best cosine similarity (a video's best
    /// frame). Any query with text: the reciprocal-rank-fusion score.
    public var score: Double
    /// The item's source file.
    public var path: String
    public var title: String
    /// Videos found visually: seconds of the best moment; else null.
    @ExplicitNull public var timestamp: Double?
    /// Videos found visually: the best moments, best first; else empty.
    public var moments: [Moment]
    /// The 1-based rank the item had in each source that found it (`visual`, `bm25`, `semantic`).
    public var sources: [String: Int]
    /// Each source's own score for the item: `visual` cosine similarity, `bm25` relevance (higher is
    /// better), `semantic` cosine similarity of the query text and the item's text.
    public var scores: [String: Double]
    public var tags: [String]
    /// Seconds (videos); null for images.
    @ExplicitNull public var duration: Double?
    /// The URL path of the item's thumbnail on the HTTP service (a video's at its best moment).
    public var thumbnail: String
    /// With near-duplicate collapse (`collapse=near_duplicates`, `--collapse`): the results folded into
    /// this one, in rank order; nil (left out of the JSON) when collapse is off.
    public var duplicates: [DuplicateHit]?

    /// The URL path of an item's thumbnail (`t`: a video's moment, seconds).
    public static func thumbnailPath(id: String, timestamp: Double?) -> String {
        "/v1/items/\(ItemURL.pathSegment(id))/thumbnail" + (timestamp.map { "?t=" + String(format: "%.3f", $0) } ?? "")
    }
}

/// A result folded into a better one by near-duplicate collapse.
public struct DuplicateHit: Codable, Sendable, Equatable {
    public var id: String
    /// The score the result would have had (as ``SearchHit/score``).
    public var score: Double
    /// Cosine similarity of its visual vector to the result it was folded into.
    public var similarity: Double
}

/// The answer to one query.
public struct SearchResponse: Codable, Sendable, Equatable {
    /// What was asked: `image`, `item`, `text` or a `+`-joined combination (``SearchRequest/kind``).
    public var query: String
    /// The page size.
    public var k: Int
    public var tookMilliseconds: Double
    public var results: [SearchHit]
    /// The cursor of the next page (``ResultPaging``); null on the last page.
    @ExplicitNull public var nextCursor: String?
    /// Cluster router only (absent on one machine): which shards contributed. A shard with no replica
    /// able to answer in time makes the answer partial, never an error.
    public var coverage: Coverage?

    public init(query: String, k: Int, tookMilliseconds: Double, results: [SearchHit], nextCursor: String? = nil,
                coverage: Coverage? = nil) {
        self.query = query
        self.k = k
        self.tookMilliseconds = tookMilliseconds
        self.results = results
        self.nextCursor = nextCursor
        self.coverage = coverage
    }

    enum CodingKeys: String, CodingKey {
        case query, k, tookMilliseconds, results, coverage
        case nextCursor = "next_cursor"
    }
}

/// How much of a sharded index answered one query (Vespa's `coverage`, Elasticsearch's `_shards`).
public struct Coverage: Codable, Sendable, Equatable {
    /// Shards in the cluster.
    public var shards: Int
    /// Shards whose candidates were merged.
    public var answered: Int
    /// Shards (0-based) that did not answer in time: their items are missing from the results.
    public var missing: [Int]
    /// True when any shard is missing.
    public var partial: Bool

    public init(shards: Int, missing: [Int]) {
        self.shards = shards
        self.missing = missing.sorted()
        answered = shards - missing.count
        partial = !missing.isEmpty
    }
}

/// One page of results and the cursor of the next (nil on the last page).
public struct ResultPage: Sendable, Equatable {
    public var hits: [SearchHit]
    public var nextCursor: String?
}

/// Item ids in URLs.
public enum ItemURL {
    /// RFC 3986 unreserved characters: what an id may keep unescaped in a path segment.
    public static let pathSegmentAllowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `id` percent-encoded for one path segment.
    public static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? id
    }
}

/// The JSON form of results, shared by the CLI and the HTTP service: sorted keys (deterministic),
/// slashes unescaped.
public enum ResultJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// `value` as one line of JSON.
    public static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}
