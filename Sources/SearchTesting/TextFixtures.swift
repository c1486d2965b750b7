import Foundation

/// Paths to the text-search fixtures and model files, found from this source file's location so tests
/// work from any working directory.
public enum TextFixtures {
    /// The repository root (the directory holding `Package.swift`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SearchTesting
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// `assets/models/minilm`, written by `scripts/setup.d/20-minilm`.
    public static var miniLMDirectory: URL { repositoryRoot.appendingPathComponent("assets/models/minilm") }

    /// `Tests/Fixtures/Reference/minilm/reference.json`: token ids and embeddings from the anchors (copied; see its README).
    public static var miniLMReference: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/Reference/minilm/reference.json")
    }

    /// A committed fixture under `Tests/Fixtures/Text/`.
    public static func fixture(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/Text").appendingPathComponent(name)
    }

    /// A fresh empty directory under ``TestScratchRoot`` (swept once its test process has exited).
    public static func temporaryDirectory(_ label: String = "text") throws -> URL {
        let url = URL(fileURLWithPath: TestScratchRoot.path)
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
