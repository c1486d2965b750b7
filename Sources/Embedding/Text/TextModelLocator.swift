import Foundation

/// Finds the installed all-MiniLM-L6-v2 files (`scripts/setup` puts them in `assets/models/minilm`).
public enum TextModelLocator {
    /// Environment variable naming the models directory (the one holding `minilm/`).
    public static let environmentVariable = "VSEARCH_MODELS"

    /// The first of: `$VSEARCH_MODELS/minilm`, `./assets/models/minilm`, and `assets/models/minilm` in
    /// any parent directory of the running executable (so `.build/release/vsearch` finds the checkout's
    /// models). Nil if none holds `model.safetensors`.
    public static func miniLMDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String? = CommandLine.arguments.first
    ) -> URL? {
        var candidates: [URL] = []
        if let models = environment[environmentVariable], !models.isEmpty {
            candidates.append(URL(fileURLWithPath: models).appendingPathComponent("minilm"))
        }
        candidates.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("assets/models/minilm"))
        if let executable {
            var directory = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: currentDirectory))
                .resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(directory.appendingPathComponent("assets/models/minilm"))
                directory = directory.deletingLastPathComponent()
            }
        }
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.safetensors").path)
        }
    }
}
