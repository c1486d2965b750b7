import Catalog
import Foundation
import Hummingbird
import NIOCore
import SearchEngine

/// `POST|GET /v1/items`, `GET|PATCH|DELETE /v1/items/{id}`, `GET /v1/items/{id}/thumbnail`.
public struct ItemRoutes: Sendable {
    let service: SearchService

    var configuration: ServerConfiguration { service.configuration }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/items") { request, _ in
            try self.authorize(request)  // before reserving or reading anything
            let bytes = try BodyBudget.reservation(for: request, limit: self.configuration.maxUploadBytes)
            return try await self.service.bodies.withReservation(bytes: bytes) { try await self.add(request) }
        }
        router.get("/v1/items") { request, _ in try await self.list(request) }
        router.get("/v1/items/:id") { _, context in try await self.get(try Self.id(context)) }
        router.patch("/v1/items/:id") { request, context in
            try self.authorize(request)  // before reading anything
            let bytes = try BodyBudget.reservation(for: request, limit: ItemEditBody.maximumBytes)
            return try await self.service.bodies.withReservation(bytes: bytes) { try await self.update(request, id: try Self.id(context)) }
        }
        router.delete("/v1/items/:id") { request, context in try await self.delete(request, id: try Self.id(context)) }
        router.get("/v1/items/:id/thumbnail") { request, context in try await self.thumbnail(request, id: try Self.id(context)) }
    }

    /// The `{id}` path parameter, percent-decoded.
    public static func id(_ context: BasicRequestContext) throws -> String {
        guard let raw = context.parameters.get("id") else { throw APIError.badRequest("missing item id") }
        guard let id = QueryString.decode(Substring(raw.replacingOccurrences(of: "+", with: "%2B"))) else { throw APIError.invalidText("id") }
        return id
    }

    /// Writes need `Authorization: Bearer <token>`; with no token configured they are refused (401 `writes_disabled`).
    /// Checked before any of the body is read.
    func authorize(_ request: Request) throws { try Self.authorize(request, token: configuration.apiToken) }

    /// The one write check, for one machine and the cluster router.
    public static func authorize(_ request: Request, token: APIToken?) throws {
        guard let token else { throw APIError.writesDisabled }
        guard token.authorizes(request.headers[.authorization]) else { throw APIError.unauthorized }
    }

    func add(_ request: Request) async throws -> Response {
        try authorize(request)
        let item = try await Self.newItem(request, configuration: configuration)
        let service = service
        // A write that has not started within the request's time gives up untouched (503 timeout); one that
        // has started runs to its end and is answered (adding a long video can take a while).
        let dto = try await service.add(item, startBy: ContinuousClock.now + configuration.requestTimeout)
        var response = try JSONResponse.make(dto, status: .created)
        response.headers[.location] = "/v1/items/" + ItemURL.pathSegment(dto.id)
        return response
    }

    /// The item a `POST /v1/items` form describes (a `file` part plus `id`, `title`, `description`, `tags`):
    /// the one parser, for one machine and the cluster router.
    public static func newItem(_ request: Request, configuration: ServerConfiguration) async throws -> NewItem {
        let contentType = request.headers[.contentType] ?? ""
        guard let boundary = MultipartForm.boundary(contentType: contentType) else {
            throw APIError.unsupportedMediaType("POST /v1/items takes multipart/form-data (a 'file' part plus fields), not '\(contentType.isEmpty ? "(no Content-Type)" : contentType)'")
        }
        let limit = configuration.maxUploadBytes
        let form = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
            try await SearchRoutes.readForm(request, boundary: boundary, limit: limit)
        }
        guard let file = form.first("file", "media", "image", "video") else {
            throw APIError.badRequest("the form has no 'file' part (the image or video to add)")
        }
        func text(_ name: String) throws -> String? {
            guard let part = form.first(name) else { return nil }
            guard let value = String(validating: part.body, as: UTF8.self) else { throw APIError.invalidText(name) }
            guard value.utf8.count <= 64 << 10 else { throw APIError.invalidParameter(name, "longer than 64 KiB") }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var tags: [String] = []
        for part in form.all("tags") + form.all("tag") {
            guard let value = String(validating: part.body, as: UTF8.self) else { throw APIError.invalidText("tags") }
            tags += value.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let id = try text("id").flatMap { $0.isEmpty ? nil : $0 }
        return NewItem(media: file.body, fileName: file.fileName, id: id, title: try text("title") ?? "",
                       description: try text("description") ?? "", tags: tags)
    }

    func get(_ id: String) async throws -> Response {
        let service = service
        return try JSONResponse.make(try await withDeadline(configuration.requestTimeout, error: .timeout(seconds: configuration.requestTimeout.seconds)) {
            try await service.item(id: id)
        })
    }

    /// `PATCH /v1/items/{id}`: a JSON body with any of `title`, `description`, `tags` (``ItemEditBody``).
    func update(_ request: Request, id: String) async throws -> Response {
        try authorize(request)
        let body = try await withDeadline(configuration.requestTimeout, error: .bodyTimeout) {
            try await RequestBodyReader.collect(request, limit: ItemEditBody.maximumBytes)
        }
        let edit = try ItemEditBody.parse(body)
        let dto = try await service.update(id: id, edit: edit, startBy: ContinuousClock.now + configuration.requestTimeout)
        return try JSONResponse.make(dto)
    }

    /// `GET /v1/items?cursor=&limit=&filter=`: a page of the items (``ItemListing``).
    func list(_ request: Request) async throws -> Response {
        let url = QueryString(request.uri.query)
        func value(_ name: String) throws -> String? {
            guard let value = url.first(name) else { return nil }
            guard let value else { throw APIError.invalidText(name) }
            return value
        }
        var limit = ItemListing.defaultLimit
        if let text = try value("limit") {
            guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)), (1...ItemListing.maximumLimit).contains(parsed) else {
                throw APIError.invalidParameter("limit", "must be a whole number 1…\(ItemListing.maximumLimit), got '\(text.prefix(40))'")
            }
            limit = parsed
        }
        let filter = try value("filter").map(SearchRoutes.filter) ?? CatalogFilter()
        let cursor = try value("cursor")
        if let cursor, cursor.utf8.count > 256 { throw APIError(.badRequest, "invalid_cursor", "cursor: longer than 256 bytes") }
        let service = service, pageSize = limit
        let page = try await withDeadline(configuration.requestTimeout, error: .timeout(seconds: configuration.requestTimeout.seconds)) {
            try await service.items(filter: filter, cursor: cursor, limit: pageSize)
        }
        return try JSONResponse.make(page)
    }

    func delete(_ request: Request, id: String) async throws -> Response {
        try authorize(request)
        let service = service
        try await service.remove(id: id, startBy: ContinuousClock.now + configuration.requestTimeout)
        return Response(status: .noContent)
    }

    func thumbnail(_ request: Request, id: String) async throws -> Response {
        let url = QueryString(request.uri.query)
        var size = 256
        if let value = url.first("size") {
            guard let value, let parsed = Int(value) else { throw APIError.invalidParameter("size", "must be a whole number") }
            size = parsed
        }
        var moment: Double?
        if let value = url.first("t") {
            guard let value, let parsed = Double(value) else { throw APIError.invalidParameter("t", "must be a number of seconds") }
            moment = parsed
        }
        let service = service
        let (requestedSize, requestedMoment) = (size, moment)
        let bytes = try await withDeadline(configuration.requestTimeout, error: .timeout(seconds: configuration.requestTimeout.seconds)) {
            try await service.thumbnail(id: id, size: requestedSize, moment: requestedMoment)
        }
        return JSONResponse.bytes(bytes, contentType: "image/jpeg", cacheControl: "public, max-age=300")
    }
}
