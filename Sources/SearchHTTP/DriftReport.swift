import Foundation

/// `DIR/drift.json`, left by `vsearch drift`:
/// `{"version":1,"computedAt":<unix seconds>,"metrics":{"<name>":<number>,…},"retrain":<bool>}`.
/// Read at scrape time; a missing, oversized or malformed file is ignored (no drift gauges), never an
/// error of the scrape.
struct DriftReport: Sendable, Equatable {
    static let fileName = "drift.json"
    static let maxBytes = 1 << 20

    var computedAt: Double
    /// Metric names sanitised to Prometheus' `[a-zA-Z0-9_]`, finite values only.
    var metrics: [(String, Double)]
    var retrain: Bool

    static func == (a: DriftReport, b: DriftReport) -> Bool {
        a.computedAt == b.computedAt && a.retrain == b.retrain && a.metrics.map(\.0) == b.metrics.map(\.0) && a.metrics.map(\.1) == b.metrics.map(\.1)
    }

    static func read(indexPath: String) -> DriftReport? {
        let path = indexPath + "/" + fileName
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size <= maxBytes,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return parse(data)
    }

    static func parse(_ data: Data) -> DriftReport? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              (object["version"] as? NSNumber)?.intValue == 1,
              let metrics = object["metrics"] as? [String: Any] else { return nil }
        let computedAt = (object["computedAt"] as? NSNumber)?.doubleValue ?? 0
        let retrain = (object["retrain"] as? Bool) ?? false
        var values: [(String, Double)] = []
        for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
            guard let number = value as? NSNumber else { continue }
            let double = number.doubleValue
            guard double.isFinite else { continue }
            let sanitized = String(name.unicodeScalars.map { scalar -> Character in
                (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_")
                    ? Character(scalar) : "_"
            })
            guard !sanitized.isEmpty, sanitized.count <= 100 else { continue }
            values.append((sanitized, double))
        }
        return DriftReport(computedAt: computedAt, metrics: values, retrain: retrain)
    }
}
