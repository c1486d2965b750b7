import Catalog
import Foundation
import SearchTesting
import Testing

/// Issue #19 item 7: concept vectors are stored with their item, kept by metadata edits, removed with
/// the item, and an older catalog without them reads as "none".
@Suite final class ConceptVectorStorageTests {
    private var directories: [URL] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    func freshPath() throws -> String {
        let directory = try TextFixtures.temporaryDirectory("concepts")
        directories.append(directory)
        return directory.appendingPathComponent("catalog.sqlite").path
    }

    static func vector(_ seed: Float) -> [Float] { (0..<4).map { Float($0) + seed } }

    @Test func storedVectorsRoundTripAndAnEditWithoutOneKeepsIt() throws {
        let path = try freshPath()
        let catalog = try Catalog(path: path)
        var photo = CatalogItem(id: "p", kind: .image, source: "/p.jpg")
        photo.conceptVector = Self.vector(0.5)
        var other = CatalogItem(id: "q", kind: .image, source: "/q.jpg")
        other.conceptVector = Self.vector(2)
        let keys = try catalog.upsert([photo, other, CatalogItem(id: "r", kind: .image, source: "/r.jpg")])

        let all = try catalog.conceptVectors(dimension: 4)
        #expect(all.keys == [keys[0], keys[1]])
        #expect(all.values == Self.vector(0.5) + Self.vector(2))
        #expect(try catalog.conceptVector(key: keys[0], dimension: 4) == Self.vector(0.5))
        #expect(try catalog.conceptVector(key: keys[2], dimension: 4) == nil)
        #expect(try catalog.conceptVector(key: keys[0], dimension: 5) == nil)

        // An edit re-writes the row from an item read back (no vector loaded): the vector stays.
        var edited = try #require(try catalog.items(keys: [keys[0]])[keys[0]])
        #expect(edited.conceptVector == nil)
        edited.title = "renamed"
        try catalog.commitEdit(edited, key: keys[0], textVector: nil, textModel: "m")
        #expect(try catalog.conceptVector(key: keys[0], dimension: 4) == Self.vector(0.5))

        #expect(try catalog.remove(id: "p"))
        #expect(try catalog.conceptVectors(dimension: 4).keys == [keys[1]])
    }

    @Test func aWrongSizedVectorIsAnErrorNamingTheItem() throws {
        let path = try freshPath()
        let catalog = try Catalog(path: path)
        var photo = CatalogItem(id: "p", kind: .image, source: "/p.jpg")
        photo.conceptVector = Self.vector(1)
        try catalog.upsert([photo])
        #expect { try catalog.conceptVectors(dimension: 3) } throws: { error in
            "\(error)".contains("concept vector of item key")
        }
    }

    @Test func aCatalogWithoutTheTableReadsAsNoVectors() throws {
        let path = try freshPath()
        do {
            let catalog = try Catalog(path: path)
            var photo = CatalogItem(id: "p", kind: .image, source: "/p.jpg")
            photo.conceptVector = Self.vector(1)
            try catalog.upsert([photo])
        }
        try rawExecute(path: path, "DROP TABLE concept_vectors")
        let reader = try Catalog(path: path, access: .reader)
        #expect(try reader.conceptVectors(dimension: 4).keys.isEmpty)
        let key = try #require(try reader.key(id: "p"))
        #expect(try reader.conceptVector(key: key, dimension: 4) == nil)
    }
}
