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
/// - `POST /v1/items`, `DELETE /v1/items/{id}` (with the API token): appended to the owner shard's
///   operation log (``ClusterWriter``), answered 202 with the log position as `token`; `after=TOKEN` on a
///   search reads the write (``ClusterSearcher/readAfter``).
/// - `/healthz`; `/readyz` (ready when every shard has a ready replica); `/metrics`; `/openapi.yaml`; the web page.
public enum RouterApplication {
    public static func router(searcher: ClusterSearcher, writer: ClusterWriter?, configuration: ServerConfiguration, metrics: HTTPMetrics,
                              logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics, logger: logger))
        router.add(middleware: ReadAfterMiddleware())
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
            let counters = searcher.caller.counters
            metrics.gauge("vsearch_cluster_retries", [], Double(counters.retries))
            metrics.gauge("vsearch_cluster_hedged_calls", [], Double(counters.hedges))
            metrics.gauge("vsearch_cluster_shard_calls_unanswered", [], Double(counters.unavailable))
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
        let token = configuration.apiToken
        router.post("/v1/items") { request, _ -> Response in
            try ItemRoutes.authorize(request, token: token)
            guard let writer else { throw writesNotConfigured }
            guard let state = searcher.view.current else { throw APIError.notReady("the cluster has not been read from etcd yet") }
            let item = try await ItemRoutes.newItem(request, configuration: configuration)
            let receipt = try await writer.add(item, shards: state.config.shards)
            var response = try JSONResponse.make(receipt, status: .accepted)
            response.headers[.location] = "/v1/items/" + ItemURL.pathSegment(receipt.id)
            return response
        }
        router.delete("/v1/items/{id}") { request, context -> Response in
            try ItemRoutes.authorize(request, token: token)
            guard let writer else { throw writesNotConfigured }
            guard let state = searcher.view.current else { throw APIError.notReady("the cluster has not been read from etcd yet") }
            let id = try ItemRoutes.id(context)
            // As on one machine, an unknown item is 404: its owner shard is asked first.
            let owner = ShardSelection.shard(of: id, count: state.config.shards)
            switch await searcher.caller.call(state.routable(shard: owner), method: .GET, path: "/v1/items/" + ItemURL.pathSegment(id),
                                              body: nil, deadline: .now + searcher.shardTimeout) {
            case .answered(let reply) where reply.status == 404: throw APIError.itemNotFound(id)
            case .answered: break
            case .unavailable: throw APIError.notReady("shard \(owner), which holds item '\(id)', has no replica answering")
            }
            return try JSONResponse.make(try await writer.remove(id: id, shards: state.config.shards), status: .accepted)
        }
        return router
    }

    static var writesNotConfigured: APIError {
        APIError(.notImplemented, "not_supported", "this router takes no writes: it was started without --media (the shared media store)")
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
    public static func make(searcher: ClusterSearcher, writer: ClusterWriter?, configuration: ServerConfiguration, metrics: HTTPMetrics = HTTPMetrics(),
                            logger: Logger, onListening: @escaping @Sendable (_ port: Int?) async -> Void) -> some ApplicationProtocol {
        SearchApplication.make(router: router(searcher: searcher, writer: writer, configuration: configuration, metrics: metrics, logger: logger),
                               configuration: configuration, logger: logger, onListening: onListening)
    }
}

struct RouterReadyDTO: Codable, Sendable {
    var status: String
    var shards: Int
    var replicas: Int
    var generation: UInt64?
}
