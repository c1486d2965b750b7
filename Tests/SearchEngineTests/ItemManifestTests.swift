import Catalog
import Foundation
import SearchEngine
import Testing

@Suite struct ItemManifestTests {
    @Test func readsLinesWithDefaults() throws {
        let items = try ItemManifest.items(jsonLines: """
            {"id": "a", "source": "a.jpg"}

            {"id": "b", "kind": "video", "source": "b.mp4", "title": "B", "tags": ["x"], "duration": 12.5, "added_at": "2020-02-29"}
            """, name: "m.jsonl")
        #expect(items.map(\.id) == ["a", "b"])
        #expect(items[0].kind == .image)
        #expect(items[1].duration == 12.5)
        #expect(items[1].addedAt == (try Date("2020-02-29T00:00:00Z", strategy: .iso8601)))
    }

    @Test(arguments: [
        ("{\"source\": \"a\"}", "m.jsonl:1"), ("{\"id\": \"a\", \"source\": \"a\", \"kind\": \"gif\"}", "m.jsonl:1"),
        ("{\"id\": \"a\", \"source\": \"a\"}\nnot json", "m.jsonl:2"),
        ("{\"id\": \"a\", \"source\": \"a\", \"added_at\": \"last week\"}", "m.jsonl:1"),
        ("{\"id\": 5, \"source\": \"a\"}", "m.jsonl:1"),
    ])
    func badLinesAreNamedWithTheirNumber(text: String, subject: String) {
        let error = #expect(throws: CatalogError.self) { _ = try ItemManifest.items(jsonLines: text, name: "m.jsonl") }
        #expect(error?.subject == subject)
    }
}
