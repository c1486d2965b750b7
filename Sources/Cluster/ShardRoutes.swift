import Catalog
import Foundation
import Hummingbird
import NIOCore
import SearchEngine
import SearchHTTP

/// The routes a shard replica serves to the router (besides every single-machine `/v1/…` route):
///
/// - `POST /internal/v1/candidates[?generation=G]` — a ``ShardQuery`` (JSON) → this shard's ``ShardCandidates``
///   from index version G (default: the serving one).
/// - `POST /internal/v1/lexical-statistics[?generation=G]` — `{"text"}` → this shard's ``LexicalStatistics``
///   for the text's terms (the first round of a text query: the router sums them for the candidates round).
/// - `POST /internal/v1/item-rows[?generation=G]` — `{"ids"}` (at most ``maximumRowIDs``) → `{"items": [CatalogItem]}`:
///   the rows of a fused page's results that no shard sent with its candidates.
/// - `POST /internal/v1/collapse-vectors[?generation=G]` — `{"ids"}` (at most ``maximumRowIDs``) →
///   `{"vectors": {id: base64 fp32}}`: what near-duplicate collapse compares (an image's vector, a video's first frame's).
/// - `POST /internal/v1/item-vectors` — `{"id", "t"?}` → `{"vectors": [base64 fp32…]}`: the stored vectors
///   an item query searches with (404 `item_not_found` when this shard has no such item).
///
/// Errors use the public API's body (``APIError``).
public struct ShardRoutes: Sendable {
    public let service: SearchService
    /// Largest request body (a query carries at most a few vectors).
    public static let maxBodyBytes = 4 << 20

    public init(service: SearchService) { self.service = service }

    /// The body of `POST /internal/v1/item-vectors`.
    public struct ItemVectorsRequest: Codable, Sendable {
        public var id: String
        public var t: Double?
        public init(id: String, t: Double?) {
            self.id = id
            self.t = t
        }
    }

    /// The body of `POST /internal/v1/lexical-statistics`.
    public struct LexicalStatisticsRequest: Codable, Sendable {
        public var text: String
        public init(text: String) { self.text = text }
    }

    /// Most ids one `POST /internal/v1/item-rows` may ask for (a page is at most a few hundred results).
    public static let maximumRowIDs = 10_000

    /// The body of `POST /internal/v1/item-rows`.
    public struct ItemRowsRequest: Codable, Sendable {
        public var ids: [String]
        public init(ids: [String]) { self.ids = ids }
    }

    /// The answer of `POST /internal/v1/item-rows`.
    public struct ItemRowsResponse: Codable, Sendable {
        public var items: [CatalogItem]
    }

    /// The answer of `POST /internal/v1/collapse-vectors`.
    public struct CollapseVectorsResponse: Codable, Sendable {
        public var vectors: [String: String]
    }

    /// The answer of `POST /internal/v1/item-vectors`.
    public struct ItemVectorsResponse: Codable, Sendable {
        public var vectors: [String]
    }

    public func register(on router: Router<BasicRequestContext>) {
        let service = service
        router.post("/internal/v1/candidates") { request, _ in
            let query: ShardQuery = try await Self.decode(request)
            return try JSONResponse.make(try await service.candidates(query, generation: try Self.generation(request)))
        }
        router.post("/internal/v1/lexical-statistics") { request, _ in
            let body: LexicalStatisticsRequest = try await Self.decode(request)
            return try JSONResponse.make(try await service.lexicalStatistics(body.text, generation: try Self.generation(request)))
        }
        router.post("/internal/v1/item-rows") { request, _ in
            let ids = try await Self.decodeIDs(request)
            return try JSONResponse.make(ItemRowsResponse(items: try await service.itemRows(ids: ids, generation: try Self.generation(request))))
        }
        router.post("/internal/v1/collapse-vectors") { request, _ in
            let vectors = try await service.collapseVectors(ids: try await Self.decodeIDs(request), generation: try Self.generation(request))
            return try JSONResponse.make(CollapseVectorsResponse(vectors: vectors.mapValues(VectorCoding.encode)))
        }
        router.post("/internal/v1/item-vectors") { request, _ in
            let body: ItemVectorsRequest = try await Self.decode(request)
            let vectors = try await service.storedQueryVectors(ItemQuery(id: body.id, at: body.t), generation: try Self.generation(request))
            return try JSONResponse.make(ItemVectorsResponse(vectors: vectors.map(VectorCoding.encode)))
        }
    }

    /// `?generation=G`: the index version to answer from (the cluster's serving generation).
    static func generation(_ request: Request) throws -> UInt64? {
        guard let raw = request.uri.queryParameters.get("generation") else { return nil }
        guard let value = UInt64(raw) else { throw APIError.invalidParameter("generation", "must be a whole number") }
        return value
    }

    /// The ids of an ``ItemRowsRequest`` body (item rows, collapse vectors), at most ``maximumRowIDs``.
    static func decodeIDs(_ request: Request) async throws -> [String] {
        let body: ItemRowsRequest = try await decode(request)
        guard body.ids.count <= maximumRowIDs else { throw APIError.badRequest("at most \(maximumRowIDs) ids a request") }
        return body.ids
    }

    static func decode<T: Decodable>(_ request: Request) async throws -> T {
        let body: ByteBuffer
        // Any failure to collect is the body's size (NIO's too-many-bytes error is not an HTTP error: it was a 500).
        do { body = try await request.body.collect(upTo: maxBodyBytes) } catch { throw APIError.tooLarge(limit: maxBodyBytes) }
        do { return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) } catch {
            throw APIError.badRequest("the body is not a valid \(T.self): \(error)")
        }
    }
}
