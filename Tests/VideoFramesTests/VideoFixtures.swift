import Foundation
import SearchTesting

/// Paths of the committed video fixtures (see Fixtures/README.md) and scratch files.
enum VideoFixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `bytes` to a file named `name` in a fresh temporary folder, runs `body` with its path, and
    /// removes the folder afterwards (also when `body` throws).
    static func withScratch<T>(_ name: String, _ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let folder = URL(fileURLWithPath: TestScratchRoot.path).appendingPathComponent("video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return try body(url.path)
    }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))) }
}
