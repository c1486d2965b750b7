import Catalog
import Foundation
import SearchEngine
import Hummingbird
import NIOCore

/// `GET /v1/search?q=…` and `POST /v1/search` (multipart, or a raw `image/*` body with the query in
/// the URL): the one parser of search requests, for the single-machine server (``SearchService``) and the
/// cluster router alike — only the ``SearchBackend`` that answers differs.
public struct SearchRoutes: Sendable {
    let backend: any SearchBackend
    let configuration: ServerConfiguration
    let bodies: BodyBudget

    /// - Parameters:
    ///   - backend: answers the parsed ``SearchRequest``.
    ///   - configuration: limits (`maxUploadBytes`, `requestTimeout`, `defaultK`, `maxK`, `maxQueryBytes`).
    ///   - bodies: the request-body budget shared with the server's other upload routes.
    public init(backend: any SearchBackend, configuration: ServerConfiguration, bodies: BodyBudget) {
        self.backend = backend
        self.configuration = configuration
        self.bodies = bodies
    }

    init(service: SearchService) {
        self.init(backend: service, configuration: service.configuration, bodies: service.bodies)
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/search") { request, _ in try await self.get(request) }
        router.post("/v1/search") { request, _ in
            // The body's bytes are reserved before any is read (BodyBudget): bounded memory under many uploads.
            let bytes = try BodyBudget.reservation(for: request, limit: self.configuration.maxUploadBytes)
            return try await self.bodies.withReservation(bytes: bytes) { try await self.post(request) }
        }
    }

    func get(_ request: Request) async throws -> Response {
        let url = QueryString(request.uri.query)
        let query = try parameters { name in
            guard let value = url.first(name) else { return nil }
            guard let value else { throw APIError.invalidText(name) }
            return value
        }
        guard query.box == nil else { throw APIError.invalidParameter("box", "applies only with an uploaded image (POST)") }
        guard query.effectiveText != nil || query.item != nil else { throw APIError.missingQuery }
        return try await answer(query)
    }

    func post(_ request: Request) async throws -> Response {
        let start = ContinuousClock.now
        let contentType = request.headers[.contentType] ?? ""
        let url = QueryString(request.uri.query)
        let fromURL: (String) throws -> String? = { name in
            guard let value = url.first(name) else { return nil }
            guard let value else { throw APIError.invalidText(name) }
            return value
        }
        var query: SearchRequest
        let limit = configuration.maxUploadBytes
        if let boundary = MultipartForm.boundary(contentType: contentType) {
            let form = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
                try await Self.readForm(request, boundary: boundary, limit: limit)
            }
            // Form fields win over the same parameter in the URL.
            query = try parameters { name in
                guard let part = form.first(name) else { return try fromURL(name) }
                guard let text = String(validating: part.body, as: UTF8.self) else { throw APIError.invalidText(name) }
                return text
            }
            if let image = form.first("image", "file"), !image.body.isEmpty {
                query.image = .bytes(image.body, name: "upload " + (image.fileName.map { "'\($0)'" } ?? "'image'"))
            }
        } else if contentType.lowercased().hasPrefix("image/") {
            query = try parameters(fromURL)
            let body = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
                try await RequestBodyReader.collect(request, limit: limit)
            }
            if !body.isEmpty { query.image = .bytes(body, name: "request body") }
        } else {
            throw APIError.unsupportedMediaType(
                "POST /v1/search takes multipart/form-data or an image/* body, not '\(contentType.isEmpty ? "(no Content-Type)" : contentType)'")
        }
        guard query.image == nil || query.item == nil else {
            throw APIError.invalidParameter("item", "give an image or an item, not both")
        }
        guard query.box == nil || query.image != nil else {
            throw APIError.invalidParameter("box", "applies only with an uploaded image")
        }
        let remaining = configuration.requestTimeout - (ContinuousClock.now - start)
        return try await answer(query, timeout: remaining)
    }

    private func answer(_ query: SearchRequest, timeout: Duration? = nil) async throws -> Response {
        let limit = timeout ?? configuration.requestTimeout
        let backend = backend
        let response = try await withDeadline(max(limit, .milliseconds(1)), error: .timeout(seconds: configuration.requestTimeout.seconds)) {
            try await backend.search(query)
        }
        return try JSONResponse.make(response)
    }

    static func readForm(_ request: Request, boundary: String, limit: Int) async throws -> MultipartForm {
        let builder = MultipartForm.Builder(boundary: boundary, expectedBytes: min(RequestBodyReader.declaredLength(request) ?? 0, limit))
        try await RequestBodyReader.forEachChunk(request, limit: limit) { chunk in try builder.feed(chunk) }
        return try builder.finish()
    }

    /// The query's parameters, read by name from the URL or the form: `q`/`text`, `item`, `t`, `k`,
    /// `filter`, `visual_weight`, `bm25_weight`, `semantic_weight`, `concepts_weight`, `rrf_k`, and (``SearchParameters``)
    /// `cursor`, `min_similarity`, `collapse`, and `box` (a region of the uploaded image, ``QueryBox``).
    private func parameters(_ value: (String) throws -> String?) throws -> SearchRequest {
        var query = SearchRequest(options: QueryOptions(k: configuration.defaultK))
        if let q = try value("q") ?? value("text") { query.text = try checkedText(q) }
        if let item = try value("item"), !item.isEmpty {
            guard item.utf8.count <= 1024 else { throw APIError.invalidParameter("item", "longer than 1024 bytes") }
            query.item = ItemQuery(id: item)
        }
        if let t = try value("t") {
            guard query.item != nil else { throw APIError.invalidParameter("t", "applies only with 'item'") }
            guard let seconds = Double(t.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
                throw APIError.invalidParameter("t", "must be a number of seconds ≥ 0, got '\(t.prefix(40))'")
            }
            query.item?.at = seconds
        }
        if let box = try value("box") { query.box = try QueryBox(parsing: box) }
        if let k = try value("k") { query.options.k = try Self.k(k, max: configuration.maxK) }
        if let filter = try value("filter") { query.options.filter = try Self.filter(filter) }
        var weights: [RankingSource: Double] = [:]
        for (name, source) in [("visual_weight", RankingSource.visual), ("bm25_weight", .bm25), ("semantic_weight", .semantic),
                               ("concepts_weight", .concepts)] {
            if let text = try value(name) { weights[source] = try Self.number(text, name: name) }
        }
        let rrfK = try value("rrf_k").map { try Self.number($0, name: "rrf_k") } ?? ReciprocalRankFusion().k
        query.options.fusion = ReciprocalRankFusion(k: rrfK, weights: weights)
        try SearchParameters.applyPagingAndCutoffs(value, to: &query.options)
        return query
    }

    private func checkedText(_ text: String) throws -> String {
        guard text.utf8.count <= configuration.maxQueryBytes else {
            throw APIError.invalidParameter("text", "longer than \(configuration.maxQueryBytes) bytes")
        }
        return text
    }

    /// A finite number ≥ 0 (weights and the RRF constant).
    static func number(_ text: String, name: String) throws -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0, value <= 1e6 else {
            throw APIError.invalidParameter(name, "must be a number 0…1000000, got '\(text.prefix(40))'")
        }
        return value
    }

    static func k(_ text: String, max: Int) throws -> Int {
        guard let k = Int(text.trimmingCharacters(in: .whitespaces)), (1...max).contains(k) else {
            throw APIError.invalidParameter("k", "must be a whole number 1…\(max), got '\(text.prefix(40))'")
        }
        return k
    }

    static func filter(_ text: String) throws -> CatalogFilter {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return CatalogFilter() }
        do { return try CatalogFilter(parsing: text) } catch {
            throw APIError.invalidParameter("filter", "\(error)")
        }
    }
}
