import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the Hummingbird application serving a ``SearchService``: the router with every route of
/// `openapi.yaml`, the error/metrics middleware, and the HTTP/1.1 server with an idle timeout (slow
/// clients cannot hold connections forever).
///
/// Run it with `try await app.runService()`: a `ServiceGroup` that stops gracefully on SIGTERM/SIGINT —
/// the listener closes, requests in flight finish, then the process exits.
public enum SearchApplication {
    public static func router(service: SearchService, metrics: HTTPMetrics, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics, logger: logger))
        ServiceRoutes(service: service, metrics: metrics).register(on: router)
        SearchRoutes(service: service).register(on: router)
        ItemRoutes(service: service).register(on: router)
        return router
    }

    public static func make(service: SearchService, metrics: HTTPMetrics = HTTPMetrics(),
                            logger: Logger = Logger(label: "vsearch.http"),
                            onListening: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = service.configuration
        return Application(
            router: router(service: service, metrics: metrics, logger: logger),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.effectiveIdleTimeout.seconds * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vsearch"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port) },
            logger: logger)
    }
}
