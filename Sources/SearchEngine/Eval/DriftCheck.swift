import Foundation
import VectorIndex

/// `vsearch drift` over an index directory: runs ``DriftMonitor`` on the serving version's visual index,
/// writes the report to `DIR/drift.json`, and retrains on request.
public enum DriftCheck {
    public static let reportFileName = "drift.json"

    /// The visual IVF index of the serving version of `index`.
    public static func visualIndex(_ index: IndexDirectory) throws -> IVFIndex {
        let path = try index.servingDirectory() + "/" + IndexDirectory.visualFolder
        guard FileManager.default.fileExists(atPath: path) else { throw EvalError(path, "the serving version has no visual index") }
        return try IVFIndex.open(directory: path)
    }

    /// `drift.json`: `{"version":1,"computedAt":<unix seconds>,"metrics":{"<snake_case_name>":<number>,…},"retrain":<bool>}`
    /// (the shape the HTTP service exports on `/metrics`). Non-finite figures (a noise bound with too
    /// few vectors) are left out, as JSON has no infinity.
    public static func json(_ report: DriftReport, computedAt: Date) -> String {
        let metrics = report.metrics.filter { $0.1.isFinite }.map { "\"\($0.0)\":\(number($0.1))" }.joined(separator: ",")
        return "{\"version\":1,\"computedAt\":\(Int64(computedAt.timeIntervalSince1970)),\"metrics\":{\(metrics)},\"retrain\":\(report.retrain)}"
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    /// Writes `DIR/drift.json` atomically (temp, fsync, rename, fsync dir) under the writer lock.
    public static func save(_ report: DriftReport, in index: IndexDirectory, computedAt: Date = Date()) throws {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        try DurableFile.writeAtomically(Array((json(report, computedAt: computedAt) + "\n").utf8), to: index.path + "/" + reportFileName)
    }
}
