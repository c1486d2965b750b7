import Foundation

/// A fresh directory under ``TestScratchRoot``, removed by `remove()` (call it in a `defer`); left-overs
/// are swept by a later test run once this process has exited.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "vsearch-test") throws {
        path = "\(TestScratchRoot.path)/\(label)-\(UInt64.random(in: 0..<UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
