import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// Health, readiness, metrics (with drift gauges), the OpenAPI document and the web page.
@Suite struct ServiceRouteTests {
    @Test func healthAndReadiness() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.text.contains("\"status\":\"ready\""))
            #expect(ready.text.contains("\"items\":5"))
        }
        // A directory without an index: alive, not ready, searches 503 not_ready.
        let scratch = try TemporaryDirectory("vs-http-empty")
        defer { scratch.remove() }
        let empty = try HTTPFixtures.service(IndexDirectory(path: scratch.path))
        try await HTTPFixtures.app(empty).test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable && ready.errorCode == "not_ready")
            let search = try await client.execute(uri: "/v1/search?q=cat", method: .get)
            #expect(search.status == .serviceUnavailable && search.errorCode == "not_ready")
        }
    }

    @Test func metricsCountRequestsAndExportIndexSizesAndDrift() async throws {
        let scratch = try TemporaryDirectory("vs-http-metrics")
        defer { scratch.remove() }
        let shared = try HTTPFixtures.sharedIndex.get()
        // drift.json lives in the index directory: use a private symlinked view of the shared index.
        let view = scratch.file("index")
        try FileManager.default.createDirectory(atPath: view, withIntermediateDirectories: true)
        for name in ["CURRENT", "versions"] {
            try FileManager.default.createSymbolicLink(atPath: view + "/" + name, withDestinationPath: shared.path + "/" + name)
        }
        let service = try HTTPFixtures.service(IndexDirectory(path: view))
        try await HTTPFixtures.app(service).test(.router) { client in
            _ = try await client.execute(uri: "/v1/search?q=apple", method: .get)
            _ = try await client.execute(uri: "/v1/search?q=apple", method: .get)
            _ = try await client.execute(uri: "/v1/search?k=0&q=x", method: .get)
            var metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"vsearch_http_requests_total{route="/v1/search",method="GET",status="200"} 2"#))
            #expect(metrics.contains(#"vsearch_http_requests_total{route="/v1/search",method="GET",status="400"} 1"#))
            #expect(metrics.contains(#"vsearch_http_request_duration_seconds_bucket{route="/v1/search",method="GET",status="200",le="+Inf"} 2"#))
            #expect(metrics.contains("vsearch_index_items 5"))
            #expect(metrics.contains("vsearch_index_ready 1"))
            #expect(metrics.contains(#"vsearch_work_queued{work="embedding"} 0"#))
            #expect(!metrics.contains("vsearch_drift_"))

            // A bad drift.json is ignored; a good one becomes gauges.
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: view + "/drift.json"))
            metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(!metrics.contains("vsearch_drift_"))
            try Data(#"{"version":1,"computedAt":1763700000,"metrics":{"psi":0.31,"ks-statistic":0.12,"bad":"x"},"retrain":true}"#.utf8)
                .write(to: URL(fileURLWithPath: view + "/drift.json"))
            metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("vsearch_drift_psi 0.31"))
            #expect(metrics.contains("vsearch_drift_ks_statistic 0.12"))
            #expect(metrics.contains("vsearch_drift_retrain_recommended 1"))
            #expect(!metrics.contains("vsearch_drift_bad"))
        }
    }

    /// Every route the server answers is described in `/openapi.yaml`, and the page loads its assets.
    @Test func openAPIDescribesTheRoutesAndThePageIsServed() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let yaml = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(yaml.status == .ok && yaml.headers[.contentType]?.hasPrefix("application/yaml") == true)
            let routes: [(String, HTTPRequest.Method)] = [
                ("/v1/search", .get), ("/v1/search", .post), ("/v1/items", .post), ("/v1/items", .get), ("/v1/items/{id}", .get),
                ("/v1/items/{id}", .patch), ("/v1/items/{id}", .delete),
                ("/v1/items/{id}/thumbnail", .get), ("/healthz", .get), ("/readyz", .get), ("/metrics", .get), ("/openapi.yaml", .get),
                ("/", .get), ("/app.js", .get), ("/style.css", .get),
            ]
            for (path, method) in routes {
                let block = try #require(Self.pathBlock(yaml.text, path), "\(path) is not described")
                #expect(block.contains("    \(method.rawValue.lowercased()):"), "\(method) \(path) is not described")
            }
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains(#"<input id="image-input""#) && page.text.contains("/app.js"))
            #expect(try await client.execute(uri: "/app.js", method: .get).text.contains("/v1/search"))
            #expect(try await client.execute(uri: "/style.css", method: .get).status == .ok)
        }
    }

    /// The lines of `paths:` belonging to `path`.
    static func pathBlock(_ yaml: String, _ path: String) -> String? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "  \(path):") else { return nil }
        var block: [String] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") || !line.hasPrefix(" ") { break }
            block.append(line)
        }
        return block.joined(separator: "\n")
    }
}

/// A change by another process that cannot be opened (here a damaged IVF manifest) keeps the previous
/// snapshot answering, makes `/readyz` say so (no path in the body), and is retried until the files are
/// good again.
@Suite struct StaleSnapshotTests {
    @Test func aFailedReopenKeepsServingIsReportedAndIsRetried() async throws {
        let scratch = try TemporaryDirectory("vs-http-stale")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let service = try HTTPFixtures.service(index) { $0.refreshInterval = .milliseconds(20) }
        let manifest = try index.servingDirectory() + "/" + IndexDirectory.visualFolder + "/MANIFEST"
        let good = try Data(contentsOf: URL(fileURLWithPath: manifest))
        try await HTTPFixtures.app(service).test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            try Data(repeating: 0x5A, count: good.count).write(to: URL(fileURLWithPath: manifest))
            var stale: TestResponse?
            for _ in 0..<200 {
                #expect(try await client.execute(uri: "/v1/search?q=apple", method: .get).status == .ok)
                let ready = try await client.execute(uri: "/readyz", method: .get)
                if ready.status == .serviceUnavailable { stale = ready; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let report = try #require(stale, "/readyz never reported the failed reopen")
            #expect(report.errorCode == "not_ready")
            #expect(!report.text.contains(scratch.path), "\(report.text)")
            // Searches still answer from the previous snapshot.
            #expect(try await client.execute(uri: "/v1/search?q=apple", method: .get).status == .ok)
            // Repaired: the next checks reopen and the service is ready again.
            try good.write(to: URL(fileURLWithPath: manifest))
            var recovered = false
            for _ in 0..<200 where !recovered {
                _ = try await client.execute(uri: "/v1/search?q=apple", method: .get)
                recovered = try await client.execute(uri: "/readyz", method: .get).status == .ok
                if !recovered { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(recovered)
        }
    }
}
