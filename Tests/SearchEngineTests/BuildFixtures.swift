import Embedding
import Foundation
import SearchEngine
import SearchTesting

/// Models, sample files and scratch folders for the index-build tests.
enum BuildFixtures {
    static let root = TextFixtures.repositoryRoot.path

    /// Real photos committed in `assets/samples/` (Debian opencv-doc; see its README).
    static func sample(_ name: String) -> String { "\(root)/assets/samples/\(name)" }

    /// Real video cuts committed for the VideoFrames tests (see Tests/VideoFramesTests/Fixtures/README.md).
    static func video(_ name: String) -> String { "\(root)/Tests/VideoFramesTests/Fixtures/\(name)" }

    /// Both models, loaded once for all tests (from `assets/models`, made by `scripts/setup`, or `$VSEARCH_MODELS`).
    static let models: Result<(image: ImageEncoder, text: TextEncoder), any Error> = Result {
        let env = ProcessInfo.processInfo.environment
        let files = env[ModelFiles.environmentVariable].map(ModelFiles.init(directory:)) ?? ModelFiles(directory: "\(root)/assets/models")
        return (try ImageEncoder(files: files, threads: 2), try TextEncoder(modelDirectory: TextFixtures.miniLMDirectory))
    }

    /// A builder over `index` with small batches, so checkpoints happen every few items.
    static func builder(_ index: IndexDirectory, batchSize: Int = 4, stopAfter: Int? = nil) throws -> IndexBuilder {
        let (image, text) = try models.get()
        return IndexBuilder(index: index, imageEncoder: image, textEncoder: text,
                            options: BuildOptions(batchSize: batchSize, threads: 2, stopAfterItems: stopAfter))
    }

    static func copy(_ source: String, to directory: String, as name: String? = nil) throws {
        let target = directory + "/" + (name ?? (source as NSString).lastPathComponent)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target)
    }

    /// A folder of five real photos and one real video.
    static func mediaFolder(in scratch: TemporaryDirectory) throws -> String {
        let folder = scratch.file("media")
        for name in ["apple.jpg", "baboon.jpg", "butterfly.jpg", "fruits.jpg", "smarties.png"] {
            try copy(sample(name), to: folder)
        }
        try copy(video("bbb-4s.mp4"), to: folder + "/clips")
        return folder
    }
}
