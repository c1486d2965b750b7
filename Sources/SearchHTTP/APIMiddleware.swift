import Foundation
import Hummingbird
import Logging

/// The outermost middleware: turns every error into the JSON error body (``APIError``; Hummingbird's
/// own `HTTPError`s such as an unknown route become `not_found` etc.; anything else a logged 500), and
/// records each request's route, status and latency in ``HTTPMetrics``.
public struct APIMiddleware: RouterMiddleware {
    public typealias Context = BasicRequestContext
    let metrics: HTTPMetrics
    let logger: Logger

    public init(metrics: HTTPMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            if let detail = error.logDetail {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "code": "\(error.code)", "error": "\(detail)"])
            }
            response = error.response()
        } catch let error as HTTPError {
            switch error.status {
            case .notFound: response = APIError.routeNotFound(request.uri.path).response()
            case .methodNotAllowed: response = APIError.methodNotAllowed(request.method.rawValue, request.uri.path).response()
            default: response = APIError(error.status, "http_error", error.body ?? error.status.reasonPhrase).response()
            }
        } catch is CancellationError {
            response = APIError(.serviceUnavailable, "cancelled", "the request was cancelled (server shutting down?)").response()
        } catch {
            let mapped = APIError.mapping(error)
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "code": "\(mapped.code)", "error": "\(mapped.logDetail ?? "\(error)")"])
            response = mapped.response()
        }
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code,
                              duration: ContinuousClock.now - start)
        return response
    }
}
