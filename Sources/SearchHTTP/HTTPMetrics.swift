import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// Prometheus metrics of one server, recorded through swift-metrics with a factory bound to this
/// server's own registry (no process-global bootstrap, so several servers — tests — stay apart):
///
/// - `vsearch_http_requests_total{route,method,status}` counter, and
///   `vsearch_http_request_duration_seconds{route,method,status}` histogram (5 ms … 10 s buckets);
/// - `vsearch_work_in_flight{work}` and `vsearch_work_queued{work}` gauges (embedding, text, thumbnail,
///   write), read at scrape time;
/// - `vsearch_index_items`, `vsearch_index_vectors`, `vsearch_index_text_vectors`, `vsearch_index_ready`;
/// - `vsearch_drift_<name>` and `vsearch_drift_retrain_recommended` from `DIR/drift.json` (see ``DriftReport``).
public final class HTTPMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private struct Key: Hashable { var route: String, method: String, status: Int }
    private let requestMetrics = Mutex<[Key: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = Key(route: route, method: method, status: status)
        let (counter, timer) = requestMetrics.withLock { cache in
            if let metrics = cache[key] { return metrics }
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            let metrics = (CoreMetrics.Counter(label: "vsearch_http_requests_total", dimensions: dimensions, factory: factory),
                           CoreMetrics.Timer(label: "vsearch_http_request_duration_seconds", dimensions: dimensions, factory: factory))
            cache[key] = metrics
            return metrics
        }
        counter.increment()
        timer.recordNanoseconds(Int64(duration.seconds * 1e9))
    }

    /// Sets gauge `name` (with `dimensions`) to `value`; it appears in the next ``renderText()``.
    public func gauge(_ name: String, _ dimensions: [(String, String)] = [], _ value: Double) {
        let key = name + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let gauge = gauges.withLock { cache in
            if let g = cache[key] { return g }
            let g = CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory)
            cache[key] = g
            return g
        }
        gauge.record(value)
    }

    /// Refreshes the scrape-time gauges and renders the Prometheus text format.
    /// Every metric recorded so far, in Prometheus text format.
    public func renderText() -> String { registry.emitToString() }

    func render(service: SearchService) async -> String {
        for load in service.load {
            gauge("vsearch_work_in_flight", [("work", load.work)], Double(load.running))
            gauge("vsearch_work_queued", [("work", load.work)], Double(load.queued))
        }
        if let stats = await service.statistics() {
            gauge("vsearch_index_ready", [], 1)
            gauge("vsearch_index_items", [], Double(stats.items))
            gauge("vsearch_index_vectors", [], Double(stats.vectors))
            gauge("vsearch_index_text_vectors", [], Double(stats.textVectors))
            if let version = stats.version { gauge("vsearch_index_version", [], Double(version)) }
        } else {
            gauge("vsearch_index_ready", [], 0)
        }
        if let drift = DriftReport.read(indexPath: service.index.path) {
            for (name, value) in drift.metrics { gauge("vsearch_drift_" + name, [], value) }
            gauge("vsearch_drift_retrain_recommended", [], drift.retrain ? 1 : 0)
            gauge("vsearch_drift_computed_at_seconds", [], drift.computedAt)
        }
        return registry.emitToString()
    }
}
