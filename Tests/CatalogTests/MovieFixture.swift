import Catalog
import Foundation
import SearchTesting

/// The committed film fixture (`Tests/Fixtures/Text/movies-sample.jsonl`, CC0 Wikidata via bokeh-sampledata).
enum MovieFixture {
    struct Line: Decodable {
        let id: String
        let title: String
        let description: String
        let tags: [String]
        let source: String
        let duration: Double?
        let added_at: String?
    }

    static func items() throws -> [CatalogItem] {
        let text = try String(contentsOf: TextFixtures.fixture("movies-sample.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let film = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            let added = film.added_at.flatMap { try? Date($0 + "T00:00:00Z", strategy: .iso8601) } ?? Date(timeIntervalSince1970: 0)
            return CatalogItem(id: film.id, kind: .video, source: film.source, title: film.title,
                               description: film.description, tags: film.tags, duration: film.duration, addedAt: added)
        }
    }

    /// A fresh catalog in a temporary directory holding every fixture film.
    static func catalog() throws -> (Catalog, [CatalogItem]) {
        let directory = try TextFixtures.temporaryDirectory("catalog")
        let catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        let items = try items()
        try catalog.upsert(items)
        return (catalog, items)
    }
}
