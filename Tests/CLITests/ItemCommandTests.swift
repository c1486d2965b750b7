import Foundation
import SearchEngine
import SearchTesting
import Testing

/// `vsearch update`, `vsearch items` and the search flags of issue #19 (`--cursor`, `--min-similarity`,
/// `--collapse`, the filter grammar) as a user runs them.
@Suite struct ItemCommandTests {
    static func threePhotoIndex(_ scratch: TemporaryDirectory) throws -> String {
        let folder = scratch.file("photos")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var manifest = ""
        for name in ["apple.jpg", "orange.jpg", "baboon.jpg"] {
            try FileManager.default.copyItem(atPath: "\(EvalCommandTests.samples)/\(name)", toPath: "\(folder)/\(name)")
            manifest += "{\"id\":\"\((name as NSString).deletingPathExtension)\",\"source\":\"\(name)\",\"tags\":[\"photo\"]}\n"
        }
        try manifest.write(toFile: "\(folder)/manifest.jsonl", atomically: true, encoding: .utf8)
        let index = scratch.file("index")
        let built = try CommandLineRunner.vsearch(["build", "--input", "\(folder)/manifest.jsonl", "--index", index, "--quiet"])
        try #require(built.status == 0, "\(built.stderr)")
        return index
    }

    @Test func updateThenListThenSearch() throws {
        let scratch = try TemporaryDirectory("vs-cli-items")
        defer { scratch.remove() }
        let index = try Self.threePhotoIndex(scratch)
        let listed = try CommandLineRunner.vsearch(["items", "--index", index, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let items = try listed.lines.map { try JSONDecoder().decode(ItemDTO.self, from: Data($0.utf8)) }
        #expect(items.map(\.id) == ["apple", "orange", "baboon"])

        let updated = try CommandLineRunner.vsearch(["update", "--index", index, "--id", "orange", "--title", "Seville marmalade orange",
                                                     "--tags", "citrus, draft", "--json"])
        #expect(updated.status == 0, "\(updated.stderr)")
        let dto = try JSONDecoder().decode(ItemDTO.self, from: Data(updated.stdout.utf8))
        #expect(dto.title == "Seville marmalade orange" && dto.tags == ["citrus", "draft"])
        let drafts = try CommandLineRunner.vsearch(["items", "--index", index, "--filter=tag=draft|nothing", "--json"])
        #expect(drafts.lines.count == 1 && drafts.stdout.contains("\"id\":\"orange\""))
        let notDrafts = try CommandLineRunner.vsearch(["items", "--index", index, "--filter=-tag=draft"])
        #expect(notDrafts.lines.count == 2 && !notDrafts.stdout.contains("orange"))
        let found = try CommandLineRunner.vsearch(["search", "--index", index, "--text", "marmalade", "--k", "1", "--json"])
        #expect(found.lines.count == 1 && found.stdout.contains("\"id\":\"orange\""), "\(found.stderr)")

        // Errors: an unknown id exits 1 naming it; no field or a bad filter is a usage error (2).
        let missing = try CommandLineRunner.vsearch(["update", "--index", index, "--id", "pear", "--title", "x"])
        #expect(missing.status == 1 && missing.stderr.contains("pear"))
        #expect(try CommandLineRunner.vsearch(["update", "--index", index, "--id", "orange"]).status == 2)
        let badFilter = try CommandLineRunner.vsearch(["items", "--index", index, "--filter", "colour=red"])
        #expect(badFilter.status == 2 && badFilter.stderr.contains("colour"))
    }

    @Test func searchFlagsForPagingCutoffAndCollapse() throws {
        let scratch = try TemporaryDirectory("vs-cli-paging")
        defer { scratch.remove() }
        let index = try Self.threePhotoIndex(scratch)
        let image = "\(EvalCommandTests.samples)/orange.jpg"
        let first = try CommandLineRunner.vsearch(["search", "--index", index, "--image", image, "--k", "2", "--cursor", "", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.lines.count == 3 && first.lines[2].hasPrefix(#"{"next_cursor":""#))
        let cursor = String(first.lines[2].dropFirst(#"{"next_cursor":""#.count).dropLast(2))
        let second = try CommandLineRunner.vsearch(["search", "--index", index, "--image", image, "--k", "2", "--cursor", cursor, "--json"])
        #expect(second.lines.count == 2 && second.lines[1] == #"{"next_cursor":null}"#, "\(second.stdout)")
        #expect(second.lines[0].contains("\"rank\":3"))
        let other = try CommandLineRunner.vsearch(["search", "--index", index, "--text", "apple", "--k", "2", "--cursor", cursor])
        #expect(other.status == 1 && other.stderr.contains("cursor"))
        // A cutoff above every other photo leaves the orange alone; out of range is a usage error.
        let cut = try CommandLineRunner.vsearch(["search", "--index", index, "--image", image, "--min-similarity", "0.9", "--json"])
        #expect(cut.lines.count == 1 && cut.stdout.contains("\"id\":\"orange\""))
        #expect(try CommandLineRunner.vsearch(["search", "--index", index, "--image", image, "--min-similarity", "3"]).status == 2)
        let collapsed = try CommandLineRunner.vsearch(["search", "--index", index, "--image", image, "--collapse", "--json"])
        #expect(collapsed.lines.allSatisfy { $0.contains("\"duplicates\":[]") })
    }
}
