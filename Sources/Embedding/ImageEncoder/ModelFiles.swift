import Foundation

/// Where the model files are: the directory named by the environment variable `VSEARCH_MODELS`, or
/// else `assets/models` found relative to the current directory or to the running executable (so
/// `.build/debug/vsearch` finds the checkout's `assets/models`). `scripts/setup` fills it.
public struct ModelFiles: Sendable, Equatable {
    /// Name of the converted EfficientNet-Lite0 weights inside the model directory.
    public static let imageEncoderWeights = "efficientnet-lite0.safetensors"
    /// Name of the ImageNet class list inside the model directory (copied there by setup from
    /// `assets/imagenet-classes.txt`).
    public static let imageNetClasses = "imagenet-classes.txt"
    public static let environmentVariable = "VSEARCH_MODELS"

    public var directory: String

    public init(directory: String) { self.directory = directory }

    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Resolves the model directory as described above; throws ``ModelFilesNotFound`` naming every
    /// place it looked when none has the EfficientNet weights.
    /// - Parameter searchRoots: directories whose `assets/models` to try, in order (default: the
    ///   current directory, then the executable's directory and its ancestors).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment, searchRoots: [String]? = nil
    ) throws -> ModelFiles {
        if let dir = environment[environmentVariable], !dir.isEmpty {
            return ModelFiles(directory: dir)
        }
        var looked: [String] = []
        for root in searchRoots ?? defaultSearchRoots() {
            let models = ((root as NSString).appendingPathComponent("assets") as NSString).appendingPathComponent("models")
            if FileManager.default.fileExists(atPath: (models as NSString).appendingPathComponent(imageEncoderWeights)) {
                return ModelFiles(directory: models)
            }
            looked.append(models)
        }
        throw ModelFilesNotFound(searched: looked)
    }

    private static func defaultSearchRoots() -> [String] {
        var roots = [FileManager.default.currentDirectoryPath]
        var dir = (Bundle.main.executablePath.map { ($0 as NSString).resolvingSymlinksInPath } ?? "") as NSString
        for _ in 0..<6 where dir.length > 1 {
            dir = dir.deletingLastPathComponent as NSString
            roots.append(dir as String)
        }
        return roots
    }
}

/// No model directory with the converted weights was found.
public struct ModelFilesNotFound: Error, CustomStringConvertible, Sendable {
    public var searched: [String]
    public var description: String {
        "model files not found (looked for \(ModelFiles.imageEncoderWeights) in \(searched.joined(separator: ", ")); "
            + "run scripts/setup, or set \(ModelFiles.environmentVariable) to the directory holding them"
    }
}
