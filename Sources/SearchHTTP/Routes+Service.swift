import Foundation
import Hummingbird

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml` and the web page at `/`.
struct ServiceRoutes: Sendable {
    let service: SearchService
    let metrics: HTTPMetrics

    func register(on router: Router<BasicRequestContext>) {
        // Liveness: the process answers.
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        // Readiness: models loaded (they are before the server starts) and the index open.
        router.get("/readyz") { _, _ in
            if let reason = service.notReadyReason { throw APIError.notReady(reason) }
            guard let stats = await service.statistics() else { throw APIError.notReady("the index cannot be read") }
            return try JSONResponse.make(ReadyDTO(status: "ready", version: stats.version, items: stats.items, vectors: stats.vectors))
        }
        router.get("/metrics") { _, _ in
            JSONResponse.bytes(Array(await metrics.render(service: service).utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        DocumentRoutes.register(on: router)
    }
}

/// `/openapi.yaml` and the web page (`/`, `/app.js`, `/style.css`): the same documents from one machine
/// and from the cluster router.
public enum DocumentRoutes {
    public static func register(on router: Router<BasicRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            JSONResponse.bytes(Array(OpenAPIDocument.yaml.utf8), contentType: "application/yaml; charset=utf-8")
        }
        router.get("/") { _, _ in
            JSONResponse.bytes(Array(WebPage.html.utf8), contentType: "text/html; charset=utf-8")
        }
        router.get("/app.js") { _, _ in
            JSONResponse.bytes(Array(WebPage.script.utf8), contentType: "text/javascript; charset=utf-8")
        }
        router.get("/style.css") { _, _ in
            JSONResponse.bytes(Array(WebPage.style.utf8), contentType: "text/css; charset=utf-8")
        }
    }
}

struct ReadyDTO: Codable, Sendable {
    var status: String
    var version: UInt64?
    var items: Int
    var vectors: Int
}
