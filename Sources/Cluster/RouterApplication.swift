import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SearchEngine
import SearchHTTP

/// `vsearch router`: the public API of a cluster — the single-machine server's routes and JSON, answered
/// by fanning out to the shards.
///
/// - `GET|POST /v1/search`: the same parser (``SearchRoutes``) with ``ClusterSearcher`` behind it.
/// - `GET /v1/items/{id}` and `GET /v1/items/{id}/thumbnail`: forwarded to the item's owner shard.
/// - `POST /v1/items`, `DELETE /v1/items/{id}`: 501 `not_supported` (live writes through the router are
///   not built yet; shards are built with `vsearch build --shard K/N`).
/// - `/healthz`; `/readyz` (ready when every shard has a ready replica); `/metrics`; `/openapi.yaml`; the web page.
public enum RouterApplication {
    public static func router(searcher: ClusterSearcher, configuration: ServerConfiguration, metrics: HTTPMetrics,
                              logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics, logger: logger))
        let view = searcher.view
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            guard let state = view.current else { throw APIError.notReady(view.unavailableReason ?? "the cluster has not been read from etcd yet") }
            let lacking = state.shardsWithoutReplica
            guard lacking.isEmpty else {
                throw APIError.notReady("shard(s) \(lacking.map(String.init).joined(separator: ", ")) of \(state.config.shards) have no ready replica")
            }
            return try JSONResponse.make(RouterReadyDTO(status: "ready", shards: state.config.shards,
                                                        replicas: state.members.filter(\.ready).count,
                                                        generation: state.config.servingGeneration))
        }
        router.get("/metrics") { _, _ in
            if let state = view.current {
                metrics.gauge("vsearch_cluster_shards", [], Double(state.config.shards))
                for shard in 0..<state.config.shards {
                    metrics.gauge("vsearch_cluster_ready_replicas", [("shard", String(shard))], Double(state.routable(shard: shard).count))
                }
            }
            for replica in searcher.caller.selector.snapshot {
                metrics.gauge("vsearch_cluster_replica_in_flight", [("replica", replica.address)], Double(replica.inFlight))
                if let ewma = replica.ewmaMilliseconds {
                    metrics.gauge("vsearch_cluster_replica_latency_ewma_seconds", [("replica", replica.address)], ewma / 1000)
                }
            }
            return JSONResponse.bytes(Array(metrics.renderText().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        DocumentRoutes.register(on: router)
        SearchRoutes(backend: searcher, configuration: configuration, bodies: BodyBudget(capacity: configuration.maxBodyBytesInFlight))
            .register(on: router)
        let timeout = configuration.requestTimeout
        router.get("/v1/items/{id}") { request, context in
            try await forward(request, id: try context.parameters.require("id"), searcher: searcher, timeout: timeout)
        }
        router.get("/v1/items/{id}/thumbnail") { request, context in
            try await forward(request, id: try context.parameters.require("id"), searcher: searcher, timeout: timeout)
        }
        router.post("/v1/items") { _, _ -> Response in throw writesNotSupported }
        router.delete("/v1/items/{id}") { _, _ -> Response in throw writesNotSupported }
        return router
    }

    static var writesNotSupported: APIError {
        APIError(.notImplemented, "not_supported",
                 "live writes through the cluster router are not supported yet; rebuild the shards with vsearch build --shard K/N")
    }

    /// Forwards a read of one item to a replica of its owner shard and passes the answer back.
    static func forward(_ request: Request, id: String, searcher: ClusterSearcher, timeout: Duration) async throws -> Response {
        guard let state = searcher.view.current else { throw APIError.notReady("the cluster has not been read from etcd yet") }
        let owner = ShardSelection.shard(of: id, count: state.config.shards)
        let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        switch await searcher.caller.call(state.routable(shard: owner), method: .GET, path: path, body: nil,
                                          deadline: .now + min(timeout, searcher.shardTimeout * 2)) {
        case .answered(let reply):
            var fields = HTTPFields()
            fields[.contentType] = reply.contentType ?? "application/octet-stream"
            fields[.cacheControl] = "no-store"
            return Response(status: HTTPResponse.Status(code: reply.status), headers: fields, body: ResponseBody(byteBuffer: reply.body))
        case .unavailable:
            throw APIError.notReady("shard \(owner), which holds item '\(id)', has no replica answering")
        }
    }

    /// The HTTP server of the router.
    public static func make(searcher: ClusterSearcher, configuration: ServerConfiguration, metrics: HTTPMetrics = HTTPMetrics(),
                            logger: Logger, onListening: @escaping @Sendable (_ port: Int?) async -> Void) -> some ApplicationProtocol {
        SearchApplication.make(router: router(searcher: searcher, configuration: configuration, metrics: metrics, logger: logger),
                               configuration: configuration, logger: logger, onListening: onListening)
    }
}

struct RouterReadyDTO: Codable, Sendable {
    var status: String
    var shards: Int
    var replicas: Int
    var generation: UInt64?
}
