import Hummingbird
import SearchHTTP

/// Reads `after=TOKEN` (a write's log position) from a request's query string and answers the request
/// with ``ClusterSearcher/readAfter`` set, so the search routes — shared with one machine — need no
/// parameter of their own for it.
struct ReadAfterMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let raw = request.uri.queryParameters.get("after") else { return try await next(request, context) }
        guard let token = UInt64(raw) else {
            throw APIError.invalidParameter("after", "must be a write's token (a whole number), got '\(raw.prefix(40))'")
        }
        return try await ClusterSearcher.$readAfter.withValue(token) { try await next(request, context) }
    }
}
