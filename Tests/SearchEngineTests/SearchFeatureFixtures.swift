import Catalog
import Foundation
import SearchEngine
import SearchTesting

/// A real index of the twelve sample photos and the two sample videos (`assets/samples`), built once
/// for the paging, cutoff, filter and collapse tests (which only read it), plus helpers.
enum SearchFeatureFixtures {
    static let photos = ["apple.jpg", "baboon.jpg", "basketball1.png", "building.jpg", "butterfly.jpg", "chicky_512.png",
                         "fruits.jpg", "messi5.jpg", "orange.jpg", "smarties.png", "squirrel_cls.jpg", "starry_night.jpg"]

    /// Built with one IVF list per ~1 vector (`nlist` 24), so a query probing one list sees few vectors.
    static let shared: Result<IndexDirectory, any Error> = Result {
        let scratch = try TemporaryDirectory("vs-features-shared")
        return try build(in: scratch, nlist: 24)
    }

    static func build(in scratch: TemporaryDirectory, nlist: Int? = nil) throws -> IndexDirectory {
        let folder = scratch.file("media")
        for name in photos { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        for name in ["megamind-10s.mp4", "pedestrians-20s.mp4"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        let (image, text) = try BuildFixtures.models.get()
        let builder = IndexBuilder(index: index, imageEncoder: image, textEncoder: text,
                                   options: BuildOptions(batchSize: 8, threads: 2, nlist: nlist))
        _ = try builder.build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        return index
    }

    static func engine(_ index: IndexDirectory) throws -> QueryEngine {
        let (image, text) = try BuildFixtures.models.get()
        return QueryEngine(snapshot: try IndexSnapshot(index: index), models: QueryModels(image: image, text: text))
    }

    /// Every page of `request` (page size `k`), following the cursors.
    static func allPages(_ engine: QueryEngine, _ request: SearchRequest) throws -> [[SearchHit]] {
        var pages: [[SearchHit]] = []
        var request = request
        while true {
            let page = try engine.page(for: request)
            pages.append(page.hits)
            guard let next = page.nextCursor else { return pages }
            request.options.cursor = next
            if pages.count > 100 { return pages }
        }
    }
}
