import Embedding
import Foundation
import Imaging
import SearchEngine
import SearchTesting
import VectorIndex

/// Real photo embeddings and synthetic-texture embeddings for the drift and eval tests, computed once.
enum EvalFixtures {
    /// Debian opencv-doc's example photos (installed by scripts/setup; BSD-licensed OpenCV samples).
    static let opencvData = "/usr/share/doc/opencv-doc/examples/data"

    /// EfficientNet-Lite0 embeddings of every opencv-doc photo (row-major, 1280 each).
    static let photoEmbeddings: Result<[[Float]], any Error> = Result {
        let paths = try FolderImages.list(opencvData)
        let encoder = try BuildFixtures.models.get().image
        let embedded = FolderImages.embed(paths, encoder: encoder)
        guard embedded.embedded.count >= 60 else { throw EvalError(opencvData, "only \(embedded.embedded.count) photos embedded") }
        return stride(from: 0, to: embedded.vectors.count, by: 1280).map { Array(embedded.vectors[$0..<($0 + 1280)]) }
    }

    /// Embeddings of 40 synthetic textures made in code: noise, checkerboards of several cell sizes and
    /// colours, stripes, gradients — images no camera took.
    static let textureEmbeddings: Result<[[Float]], any Error> = Result {
        var images: [Image] = []
        for i in 0..<40 {
            let size = 256
            switch i % 4 {
            case 0: images.append(SyntheticImages.noise(width: size, height: size, seed: UInt64(100 + i)))
            case 1: images.append(SyntheticImages.checkerboard(width: size, height: size, cell: 2 + i % 13))
            case 2:
                var pixels = [UInt8](repeating: 0, count: size * size * 3)
                let period = 4 + i % 17
                for y in 0..<size {
                    for x in 0..<size where ((x + y * (i % 3)) / period) % 2 == 0 {
                        pixels[(y * size + x) * 3 + i % 3] = 230
                        pixels[(y * size + x) * 3 + (i + 1) % 3] = UInt8(17 * (i % 15))
                    }
                }
                images.append(Image(width: size, height: size, pixels: pixels))
            default:
                var g = SyntheticImages.gradient(width: size, height: size)
                for j in stride(from: i % 3, to: g.pixels.count, by: 3) { g.pixels[j] = UInt8((Int(g.pixels[j]) * (i + 3)) % 256) }
                images.append(g)
            }
        }
        return try BuildFixtures.models.get().image.encode(images: images).map(\.embedding)
    }

    /// A flat-encoded inner-product IVF index over `base` (trained on it), with `added` appended to its log.
    static func index(base: [[Float]], added: [[Float]], in scratch: TemporaryDirectory, name: String) throws -> IVFIndex {
        let writer = try IVFIndexWriter(directory: scratch.file(name))
        try writer.build(from: try ArrayVectors(base.flatMap { $0 }, dimension: 1280), ids: (0..<base.count).map(Int64.init),
                         options: IVFBuildOptions(metric: .innerProduct, encoding: .flat))
        if !added.isEmpty {
            try writer.add(added.flatMap { $0 }, ids: (0..<added.count).map { Int64(10_000 + $0) })
        }
        return try writer.index()
    }
}
