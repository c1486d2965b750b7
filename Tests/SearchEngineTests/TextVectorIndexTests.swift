import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// The text vectors' IVF (`TextSearchIndex.buildVectorIndex`): recall against the exact flat store,
/// filters inside retrieval, and writes after the build going through its log.
@Suite(.serialized) struct TextVectorIndexTests {
    /// `count` clustered unit vectors of dimension 384 (the text model's), seeded.
    static func clustered(_ count: Int, seed: UInt64) -> [[Float]] {
        var g = RandomVectors.Generator(seed: seed)
        let d = 384
        let centers = (0..<40).map { _ in (0..<d).map { _ in g.normal() } }
        return (0..<count).map { _ in
            let c = centers[Int(g.next() % UInt64(centers.count))]
            let v = c.map { $0 + 0.8 * g.normal() }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }

    /// A text index of `vectors.count` items (item `i` has id "i" and vector `vectors[i]`).
    static func makeIndex(_ vectors: [[Float]], in directory: URL) throws -> TextSearchIndex {
        let encoder = try #require(try FilmIndex.get().encoder)
        let index = try TextSearchIndex(directory: directory, encoder: encoder)
        let items = vectors.indices.map {
            CatalogItem(id: "\($0)", kind: $0 % 3 == 0 ? .video : .image, source: "\($0).jpg", title: "item \($0)",
                        duration: $0 % 3 == 0 ? 10 : nil)
        }
        try index.add(items, textVectors: vectors)
        return index
    }

    static func exact(_ store: FlatVectorStore, _ query: [Float], k: Int, allowed: Set<ItemKey>? = nil) -> [ItemKey] {
        store.exactSearch(query, k: k, allowed: allowed).map(\.key)
    }

    @Test func probesWidenWithTheFilterSelectivity() {
        #expect(TextSearchIndex.probes(base: 48, nlist: 1000, count: 4000, allowed: nil) == 1000)  // small: all lists
        #expect(TextSearchIndex.probes(base: 48, nlist: 1000, count: 100_000, allowed: nil) == 48)
        #expect(TextSearchIndex.probes(base: 48, nlist: 1000, count: 100_000, allowed: 50_000) == 96)
        #expect(TextSearchIndex.probes(base: 48, nlist: 1000, count: 100_000, allowed: 1_000) == 1000)
        #expect(TextSearchIndex.probes(base: 48, nlist: 1000, count: 100_000, allowed: 100_000) == 48)
    }

    @Test func ivfMatchesTheExactScanAndFiltersHoldInsideRetrieval() throws {
        let scratch = try TemporaryDirectory("vs-text-ivf")
        defer { scratch.remove() }
        let vectors = Self.clustered(6000, seed: 11)
        let index = try Self.makeIndex(vectors, in: URL(fileURLWithPath: scratch.path))
        let keys = try index.catalog.textVectors(model: TextSearchIndex.textModelName, dimension: 384)
        let flat = FlatVectorStore(keys)
        #expect(try index.buildVectorIndex() == 6000)
        #expect(index.vectorCount == 6000)
        #expect(FileManager.default.fileExists(atPath: index.vectorIndexDirectory + "/MANIFEST"))

        let queries = Self.clustered(30, seed: 99)
        var hits = 0
        for query in queries {
            let found = try index.semanticSearch(query, k: 10)
            #expect(found.count == 10)
            // Scores are exact cosines (re-ranked from the stored fp32 vectors), best first.
            for hit in found {
                let row = keys.keys.firstIndex(of: hit.key)!
                let cosine = zip(vectors[row], query).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                #expect(abs(cosine - hit.score) < 1e-4)
            }
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.score >= $1.score })
            hits += Set(found.map(\.key)).intersection(Self.exact(flat, query, k: 10)).count
        }
        // Probing 40 % of ~310 lists of clustered data: nearly every true neighbour is found.
        #expect(Double(hits) / Double(10 * queries.count) >= 0.9)
        // Probing a few lists finds fewer of them, and is not the default.
        let narrow = try TextSearchIndex(directory: index.directory, encoder: try #require(index.encoder), semanticProbes: 1)
        var narrowHits = 0
        for query in queries { narrowHits += Set(try narrow.semanticSearch(query, k: 10).map(\.key)).intersection(Self.exact(flat, query, k: 10)).count }
        #expect(narrowHits < hits)

        // A selective filter (videos added in the first 600 items: 200 of 6000) is applied inside the
        // scan with every list probed, so the answer is the exact filtered top-k.
        let videos = try #require(try index.catalog.keys(matching: CatalogFilter(kinds: [.video], maximumDuration: 10)))
        let allowed = Set(videos.filter { $0 <= 600 })
        for query in queries.prefix(10) {
            let found = try index.semanticSearch(query, k: 10, allowed: allowed)
            #expect(found.map(\.key) == Self.exact(flat, query, k: 10, allowed: allowed))
        }
        // Through the fused search too: every result passes the filter and k is filled.
        let options = QueryOptions(k: 10, filter: CatalogFilter(kinds: [.video]))
        let results = try index.search("item", options: options)
        #expect(results.count == 10 && results.allSatisfy { $0.kind == "video" })
    }

    @Test func writesAfterTheBuildGoThroughTheLogAndReopenedReadersSeeThem() throws {
        let scratch = try TemporaryDirectory("vs-text-ivf-writes")
        defer { scratch.remove() }
        let directory = URL(fileURLWithPath: scratch.path)
        let vectors = Self.clustered(300, seed: 5)
        let index = try Self.makeIndex(vectors, in: directory)
        try index.buildVectorIndex(nlist: 8)
        let encoder = try #require(index.encoder)

        // Replace item 7's vector with item 200's: a search for that vector finds both, exactly.
        let newcomer = Self.clustered(1, seed: 77)[0]
        try index.add([CatalogItem(id: "new", kind: .image, source: "new.jpg", title: "new")], textVectors: [newcomer])
        try index.add([CatalogItem(id: "7", kind: .image, source: "7.jpg", title: "seven")], textVectors: [vectors[200]])
        let key8 = try #require(try index.catalog.key(id: "8"))
        #expect(try index.remove(id: "8"))
        let key7 = try #require(try index.catalog.key(id: "7")), key200 = try #require(try index.catalog.key(id: "200"))
        let keyNew = try #require(try index.catalog.key(id: "new"))

        for reader in [index, try TextSearchIndex(directory: directory, encoder: encoder)] {
            #expect(reader.vectorCount == 300)  // 300 + new − removed 8
            #expect(try reader.semanticSearch(newcomer, k: 1).first?.key == keyNew)
            let twins = try reader.semanticSearch(vectors[200], k: 2)
            #expect(Set(twins.map(\.key)) == [key7, key200] && twins.allSatisfy { $0.score > 0.9999 })
            // Item 7's old vector is gone: its best match is no longer item 7.
            #expect(try reader.semanticSearch(vectors[7], k: 1).first?.key != key7)
            #expect(try reader.semanticSearch(vectors[8], k: 5).allSatisfy { $0.key != key8 })
        }
    }

    /// Issue #14 item 3 for `text-ivf/v1.log`: a zero-filled or garbage tail after the last record (a
    /// crash after the file grew) is ignored by readers and cut by the next write; every acknowledged
    /// write is still there.
    @Test(arguments: [false, true])
    func aTornTailOnTheTextIVFLogIsIgnoredAndCut(_ garbage: Bool) throws {
        let scratch = try TemporaryDirectory("vs-text-ivf-tail")
        defer { scratch.remove() }
        let directory = URL(fileURLWithPath: scratch.path)
        let vectors = Self.clustered(200, seed: 8)
        let index = try Self.makeIndex(vectors, in: directory)
        try index.buildVectorIndex(nlist: 8)
        let newcomer = Self.clustered(1, seed: 78)[0]
        try index.add([CatalogItem(id: "new", kind: .image, source: "new.jpg", title: "new")], textVectors: [newcomer])
        let keyNew = try #require(try index.catalog.key(id: "new"))
        let log = index.vectorIndexDirectory + "/v1.log"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: garbage ? Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 5) }) : Data(count: 4096))
        try handle.close()

        let reader = try TextSearchIndex(directory: directory, encoder: index.encoder)
        #expect(reader.vectorCount == 201)
        #expect(try reader.semanticSearch(newcomer, k: 1).first?.key == keyNew)
        // The next write cuts the tail and appends after it.
        let second = Self.clustered(1, seed: 79)[0]
        try reader.add([CatalogItem(id: "second", kind: .image, source: "second.jpg", title: "second")], textVectors: [second])
        let keySecond = try #require(try reader.catalog.key(id: "second"))
        let reopened = try TextSearchIndex(directory: directory, encoder: index.encoder)
        #expect(reopened.vectorCount == 202)
        #expect(try reopened.semanticSearch(second, k: 1).first?.key == keySecond)
        #expect(try reopened.semanticSearch(newcomer, k: 1).first?.key == keyNew)
    }
}
