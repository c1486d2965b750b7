import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (call it in a `defer`).
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "vsearch-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
