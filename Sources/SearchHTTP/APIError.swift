import Foundation
import SearchEngine
import HTTPTypes
import Hummingbird

/// An error the API reports to the client: an HTTP status, a stable machine-readable `code` and a
/// human-readable `message` naming the input and the reason. The body is always
/// `{"error":{"code":"…","message":"…"}}` (see `openapi.yaml`, schema `Error`).
///
/// Codes are part of the API contract: clients branch on them, so they never change meaning.
public struct APIError: HTTPResponseError, CustomStringConvertible, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra response headers (`Retry-After` on 503, `WWW-Authenticate` on 401).
    public var headers: [(name: String, value: String)] = []
    /// What happened underneath, for the server log only — never in the body (it may name files or SQL).
    public var logDetail: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func == (a: APIError, b: APIError) -> Bool {
        a.status == b.status && a.code == b.code && a.message == b.message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The JSON error response.
    public func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields[name] = header.value }
        }
        let body = #"{"error":{"code":"# + JSONText.string(code) + #","message":"# + JSONText.string(message) + "}}\n"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

extension APIError {
    // 400
    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    public static func undecodableImage(_ message: String) -> APIError { APIError(.badRequest, "undecodable_image", message) }
    public static func undecodableMedia(_ message: String) -> APIError { APIError(.badRequest, "undecodable_media", message) }
    public static func invalidText(_ field: String) -> APIError {
        APIError(.badRequest, "invalid_text", "\(field): the text is not valid UTF-8")
    }
    public static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, "invalid_parameter", "\(name): \(reason)")
    }
    public static func badMultipart(_ reason: String) -> APIError { APIError(.badRequest, "bad_multipart", "multipart body: \(reason)") }
    public static var missingQuery: APIError {
        APIError(.badRequest, "missing_query", "give an image (multipart field 'image' or an image/* body) and/or text ('text' or 'q')")
    }
    // 401 (the issue's contract: a write without the configured token is 401, also when none is configured)
    public static var unauthorized: APIError {
        var e = APIError(.unauthorized, "unauthorized", "this write needs 'Authorization: Bearer <token>' with the server's API token")
        e.headers = [("WWW-Authenticate", #"Bearer realm="vsearch""#)]
        return e
    }
    public static var writesDisabled: APIError {
        APIError(.unauthorized, "writes_disabled", "the server has no API token configured (VSEARCH_API_TOKEN or --token-file), so writes are refused")
    }
    // 404 / 405
    public static func itemNotFound(_ id: String) -> APIError { APIError(.notFound, "item_not_found", "no item with id '\(id)'") }
    public static func routeNotFound(_ path: String) -> APIError { APIError(.notFound, "not_found", "no such endpoint: \(path)") }
    public static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(.methodNotAllowed, "method_not_allowed", "\(method) is not allowed on \(path)")
    }
    // 408 / 409 / 413 / 415
    public static var bodyTimeout: APIError { APIError(.requestTimeout, "request_timeout", "the request body did not arrive in time") }
    public static func conflict(_ code: String, _ message: String) -> APIError { APIError(.conflict, code, message) }
    public static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the upload limit of \(limit) bytes")
    }
    public static func unsupportedMediaType(_ message: String) -> APIError { APIError(.unsupportedMediaType, "unsupported_media_type", message) }
    // 5xx
    public static func overloaded(_ what: String) -> APIError {
        var e = APIError(.serviceUnavailable, "overloaded", "too many \(what) requests are queued; retry shortly")
        e.headers = [("Retry-After", "1")]
        return e
    }
    public static func timeout(seconds: Double) -> APIError {
        var e = APIError(.serviceUnavailable, "timeout", "the request took longer than \(Int(seconds)) s")
        e.headers = [("Retry-After", "1")]
        return e
    }
    public static func notReady(_ reason: String) -> APIError {
        var e = APIError(.serviceUnavailable, "not_ready", "the index is not available: \(reason)")
        e.headers = [("Retry-After", "5")]
        return e
    }
    /// A failure of the server itself: the body says only that; `detail` (which may name files or SQL)
    /// goes to the server log.
    public static func `internal`(_ detail: String) -> APIError {
        var e = APIError(.internalServerError, "internal", "the server could not answer this request; the failure is in its log")
        e.logDetail = detail
        return e
    }
}
