import Embedding
import Foundation
import Tensor

/// The reference outputs in `Tests/Fixtures/Reference/effnet-lite0/reference.json` and paths to the crops and photos.
struct EncoderReference: Sendable {
    struct Item: Decodable, Sendable {
        var name: String
        var top5: [Int]
        var top5_probs: [Float]
        var embedding: [Float]
    }

    static let testsDirectory: String = {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!])
    }()
    static let repositoryRoot = ((testsDirectory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent

    static let items: [Item] = {
        struct File: Decodable { var images: [Item] }
        let url = URL(fileURLWithPath: "\(referenceDirectory)/reference.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).images
    }()
    static let names = items.map(\.name)
    static func item(_ name: String) -> Item { items.first { $0.name == name }! }
    static func crop(_ name: String) -> String { "\(referenceDirectory)/crops/\(name).png" }
    static func photo(_ name: String) -> String { "\(referenceDirectory)/photos/\(name).png" }
    /// `Tests/Fixtures/Reference/effnet-lite0` (copied from the team's reference outputs; see its README).
    static var referenceDirectory: String { "\(repositoryRoot)/Tests/Fixtures/Reference/effnet-lite0" }

    /// The model is loaded once for all tests from `assets/models` (made by `scripts/setup`, which
    /// `make test` runs first) or `$VSEARCH_MODELS`. A missing model is a failure that says so.
    static let encoder: Result<ImageEncoder, any Error> = Result {
        try ImageEncoder(files: files, threads: 2)
    }

    /// Encoders with an explicit kernel set (the default above uses the preferred one: AVX-512 where
    /// the CPU has it), so the other path is reference-tested too. Only built for a supported set.
    static let avx2Encoder: Result<ImageEncoder, any Error> = Result { try ImageEncoder(files: files, threads: 2, kernels: .avx2) }
    static let avx512Encoder: Result<ImageEncoder, any Error> = Result { try ImageEncoder(files: files, threads: 2, kernels: .avx512) }

    static var files: ModelFiles {
        ProcessInfo.processInfo.environment[ModelFiles.environmentVariable].map(ModelFiles.init(directory:))
            ?? ModelFiles(directory: "\(repositoryRoot)/assets/models")
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
    return dot / (na.squareRoot() * nb.squareRoot())
}
