import Logging
import SearchHTTP
import ServiceLifecycle
import Synchronization
import Testing

/// The app running for real in a `ServiceGroup` on a free loopback port, for tests that need TCP.
struct LiveServer {
    let group: ServiceGroup
    let run: Task<Void, any Error>
    let port: Int

    /// Starts `service`'s app and waits until it has bound its port.
    static func start(_ service: SearchService) async throws -> LiveServer {
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "vsearch.http.test")
        logger.logLevel = .warning
        let app = SearchApplication.make(service: service, logger: logger) { bound in port.withLock { $0 = bound } }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let run = Task { try await group.run() }
        try await waitUntil { port.withLock { $0 } != nil }
        return LiveServer(group: group, run: run, port: try #require(port.withLock { $0 }))
    }

    /// Shuts the server down gracefully and waits for it to stop.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await run.value
    }
}
