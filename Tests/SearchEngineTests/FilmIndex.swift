import Catalog
import Embedding
import Foundation
import SearchEngine
import SearchTesting

/// A text index over every fifth film of the committed fixture (137 films: embedding all 685 takes
/// too long for a debug test run), shared by the relevance tests.
enum FilmIndex {
    static let shared: Result<TextSearchIndex, any Error> = Result {
        let encoder = try TextEncoder(modelDirectory: TextFixtures.miniLMDirectory)
        let all = try ItemManifest.items(contentsOf: TextFixtures.fixture("movies-sample.jsonl"))
        let subset = all.enumerated().filter { $0.offset % 5 == 0 }.map(\.element)
        let index = try TextSearchIndex(directory: try TextFixtures.temporaryDirectory("films"), encoder: encoder)
        try index.add(subset)
        // As every built index: semantic retrieval through the text IVF (exhaustive at this size).
        try index.buildVectorIndex()
        return index
    }

    static func get() throws -> TextSearchIndex { try shared.get() }
}
