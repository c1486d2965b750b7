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
        make(router: router(service: service, metrics: metrics, logger: logger), configuration: service.configuration,
             logger: logger, onListening: onListening)
    }

    /// The HTTP/1.1 server of `router` with `configuration`'s address and idle timeout: what ``make(service:metrics:logger:onListening:)``
    /// runs, for a router with more routes (a shard replica's internal routes) or other routes (the cluster router).
    public static func make(router: Router<BasicRequestContext>, configuration: ServerConfiguration,
                            logger: Logger = Logger(label: "vsearch.http"),
                            onListening: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.effectiveIdleTimeout.seconds * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vsearch"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port) },
            logger: logger)
    }
}
