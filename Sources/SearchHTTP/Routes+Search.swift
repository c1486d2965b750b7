import Catalog
import Foundation
import Hummingbird
import NIOCore

/// `GET /v1/search?q=…` and `POST /v1/search` (multipart, or a raw `image/*` body with the query in
/// the URL).
struct SearchRoutes: Sendable {
    let service: SearchService

    var configuration: ServerConfiguration { service.configuration }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/search") { request, _ in try await self.get(request) }
        router.post("/v1/search") { request, _ in try await self.post(request) }
    }

    func get(_ request: Request) async throws -> Response {
        let url = QueryString(request.uri.query)
        var query = try parameters(url)
        guard query.text != nil else { throw APIError.missingQuery }
        query.image = nil
        return try await answer(query)
    }

    func post(_ request: Request) async throws -> Response {
        let start = ContinuousClock.now
        let contentType = request.headers[.contentType] ?? ""
        let url = QueryString(request.uri.query)
        var query = try parameters(url)
        let limit = configuration.maxUploadBytes
        if let boundary = MultipartForm.boundary(contentType: contentType) {
            let form = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
                try await Self.readForm(request, boundary: boundary, limit: limit)
            }
            if let image = form.first("image", "file"), image.body.readableBytes > 0 {
                query.image = Array(buffer: image.body)
                query.imageName = "upload " + (image.fileName.map { "'\($0)'" } ?? "'image'")
            }
            if let part = form.first("text", "q") {
                guard let text = String(validating: Array(buffer: part.body), as: UTF8.self) else { throw APIError.invalidText("text") }
                query.text = try checkedText(text)
            }
            if let part = form.first("k") { query.k = try Self.k(String(buffer: part.body), max: configuration.maxK) }
            if let part = form.first("filter") {
                guard let text = String(validating: Array(buffer: part.body), as: UTF8.self) else { throw APIError.invalidText("filter") }
                query.filter = try Self.filter(text)
            }
        } else if contentType.lowercased().hasPrefix("image/") {
            let body = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
                try await RequestBodyReader.collect(request, limit: limit)
            }
            query.image = Array(buffer: body)
            query.imageName = "request body"
        } else {
            throw APIError.unsupportedMediaType(
                "POST /v1/search takes multipart/form-data or an image/* body, not '\(contentType.isEmpty ? "(no Content-Type)" : contentType)'")
        }
        if query.image?.isEmpty == true { query.image = nil }
        let remaining = configuration.requestTimeout - (ContinuousClock.now - start)
        return try await answer(query, timeout: remaining)
    }

    private func answer(_ query: SearchQuery, timeout: Duration? = nil) async throws -> Response {
        let limit = timeout ?? configuration.requestTimeout
        let service = service
        let dto = try await withDeadline(max(limit, .milliseconds(1)), error: .timeout(seconds: configuration.requestTimeout.seconds)) {
            try await service.search(query)
        }
        return try JSONResponse.make(dto)
    }

    static func readForm(_ request: Request, boundary: String, limit: Int) async throws -> MultipartForm {
        let builder = MultipartForm.Builder(boundary: boundary)
        try await RequestBodyReader.forEachChunk(request, limit: limit) { chunk in try builder.feed(chunk) }
        return try builder.finish()
    }

    /// `q`/`text`, `k` and `filter` from the URL.
    private func parameters(_ url: QueryString) throws -> SearchQuery {
        var query = SearchQuery(k: configuration.defaultK)
        if let q = url.first("q") ?? url.first("text") {
            guard let q else { throw APIError.invalidText("q") }
            query.text = try checkedText(q)
        }
        if let k = url.first("k") {
            guard let k else { throw APIError.invalidText("k") }
            query.k = try Self.k(k, max: configuration.maxK)
        }
        if let filter = url.first("filter") {
            guard let filter else { throw APIError.invalidText("filter") }
            query.filter = try Self.filter(filter)
        }
        return query
    }

    private func checkedText(_ text: String) throws -> String {
        guard text.utf8.count <= configuration.maxQueryBytes else {
            throw APIError.invalidParameter("text", "longer than \(configuration.maxQueryBytes) bytes")
        }
        return text
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
