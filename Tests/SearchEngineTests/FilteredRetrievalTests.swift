import Catalog
import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing

/// Issue #19 item 3: the richer filters run inside retrieval, and a selective filter widens the visual
/// probing until the allowed items are found (or every list was scanned).
@Suite struct FilteredRetrievalTests {
    @Test func aSelectiveFilterWidensTheVisualProbing() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let nlist = try #require(engine.snapshot.visual?.nlist)
        #expect(nlist >= 16)
        let image = QueryImage.file(path: BuildFixtures.sample("orange.jpg"))
        // One list probed: the unfiltered query sees only that list's few vectors…
        let narrow = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 10, nprobe: 1)))
        #expect(narrow.count < 10)
        // …while a filter letting two videos through finds both, wherever their frames lie.
        let videos = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 10, filter: try CatalogFilter(parsing: "kind=video"), nprobe: 1)))
        #expect(videos.count == 2 && videos.allSatisfy { $0.kind == "video" })
        // And a negated kind lets every image through, found as if every list was probed.
        let images = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 12, filter: try CatalogFilter(parsing: "-kind=video"), nprobe: 1)))
        #expect(images.count == 12 && images.allSatisfy { $0.kind == "image" })
    }

    @Test func autoTagTitleAndNegationFiltersApplyToEverySource() throws {
        let engine = try SearchFeatureFixtures.engine(try SearchFeatureFixtures.shared.get())
        let catalog = engine.snapshot.catalog
        let all = try catalog.items(matching: CatalogFilter(), limit: 100).map(\.item)
        let orangeLabelled = Set(all.filter { $0.autoTags.contains { $0.label.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "orange" } } }.map(\.id))
        #expect(!orangeLabelled.isEmpty && orangeLabelled.count < all.count)
        let image = QueryImage.file(path: BuildFixtures.sample("apple.jpg"))
        for request in [SearchRequest(image: image, text: "fruit", options: QueryOptions(k: 50, filter: try CatalogFilter(parsing: "auto_tag=orange"))),
                        SearchRequest(text: "round fruit", options: QueryOptions(k: 50, filter: try CatalogFilter(parsing: "auto_tag=orange")))] {
            let hits = try engine.hits(for: request)
            #expect(Set(hits.map(\.id)) == orangeLabelled)
        }
        let negated = try engine.hits(for: SearchRequest(image: image, options: QueryOptions(k: 50, filter: try CatalogFilter(parsing: "-auto_tag=orange"))))
        #expect(!negated.isEmpty && negated.allSatisfy { !orangeLabelled.contains($0.id) })
        let titled = try engine.hits(for: SearchRequest(text: "picture", options: QueryOptions(k: 50, filter: try CatalogFilter(parsing: "title~orange|apple"))))
        #expect(Set(titled.map(\.title)) == ["orange", "apple"])
    }
}

/// Issue #19 item 5: near-duplicate results are folded into the better one.
@Suite struct NearDuplicateCollapseTests {
    @Test func greedyFoldingInRankOrder() {
        // Unit vectors: 1 and 2 nearly equal, 3 far, 4 near 3, 5 without a vector.
        func unit(_ v: [Float]) -> [Float] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        let vectors: [ItemKey: [Float]] = [1: unit([1, 0, 0]), 2: unit([1, 0.1, 0]), 3: unit([0, 1, 0]), 4: unit([0, 1, 0.2])]
        let collapse = NearDuplicateCollapse(threshold: 0.95)
        let (groups, more) = collapse.collapse([1, 2, 3, 5, 4], vectors: vectors, keep: 10)
        #expect(groups.map(\.key) == [1, 3, 5])
        #expect(groups[0].duplicates.map(\.key) == [2] && groups[1].duplicates.map(\.key) == [4])
        #expect(groups[0].duplicates[0].similarity >= 0.95)
        #expect(!more)
        // A page of one: its duplicates are found anywhere after it; more results follow.
        let first = collapse.collapse([1, 3, 2], vectors: vectors, keep: 1)
        #expect(first.groups.map(\.key) == [1] && first.groups[0].duplicates.map(\.key) == [2] && first.more)
        let only = collapse.collapse([1, 2], vectors: vectors, keep: 1)
        #expect(only.groups.count == 1 && !only.more)
    }

    @Test func editedCopiesOfAPhotoAreFoldedIntoIt() throws {
        let scratch = try TemporaryDirectory("vs-collapse")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["orange.jpg", "apple.jpg", "baboon.jpg", "fruits.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let original = try ImageDecoder.decode(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: BuildFixtures.sample("orange.jpg")))), name: "orange")
        for transform in [ImageTransform.brightnessContrast, .flip] {
            let copy = try JPEGEncoder.encode(try transform.apply(original), quality: 90)
            try Data(copy).write(to: URL(fileURLWithPath: folder + "/orange-\(transform.rawValue).jpg"))
        }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let engine = try SearchFeatureFixtures.engine(index)
        let query = QueryImage.file(path: BuildFixtures.sample("orange.jpg"))
        let plain = try engine.hits(for: SearchRequest(image: query, options: QueryOptions(k: 10)))
        #expect(plain.count == 6 && plain.allSatisfy { $0.duplicates == nil })
        #expect(plain.prefix(3).allSatisfy { $0.path.contains("orange") })
        let collapsed = try engine.page(for: SearchRequest(image: query, options: QueryOptions(k: 10, collapseNearDuplicates: true)))
        #expect(collapsed.hits.count == 4 && collapsed.nextCursor == nil)
        let top = try #require(collapsed.hits.first)
        #expect(top.path.hasSuffix("/orange.jpg"))
        #expect(Set(top.duplicates?.map(\.id) ?? []) == Set(plain[1...2].map(\.id)))
        #expect(top.duplicates?.allSatisfy { $0.similarity >= Double(NearDuplicateCollapse.defaultThreshold) } == true)
        #expect(top.duplicates?.map(\.score) == plain[1...2].map(\.score))
        #expect(collapsed.hits.dropFirst().allSatisfy { $0.duplicates == [] && !$0.path.contains("orange") })
        #expect(collapsed.hits.map(\.rank) == [1, 2, 3, 4])
        // Paged one at a time, the collapsed results are the same.
        let pages = try SearchFeatureFixtures.allPages(engine, SearchRequest(image: query, options: QueryOptions(k: 1, collapseNearDuplicates: true)))
        #expect(pages.flatMap { $0 } == collapsed.hits)
    }
}
