import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

@Suite struct BuildInputTests {
    /// Manifest paths must stay under the root: `..`, absolute paths elsewhere and symlinks out are refused.
    @Test func manifestPathsEscapingTheRootAreRefused() throws {
        let scratch = try TemporaryDirectory("vs-manifest-root")
        defer { scratch.remove() }
        let root = scratch.file("root")
        try FileManager.default.createDirectory(atPath: root + "/photos", withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: root + "/photos/a.jpg"))
        try Data([1]).write(to: URL(fileURLWithPath: scratch.file("outside.jpg")))
        try FileManager.default.createSymbolicLink(atPath: root + "/photos/link.jpg", withDestinationPath: scratch.file("outside.jpg"))
        let manifest = root + "/items.jsonl"
        try """
            {"id":"a","source":"photos/a.jpg","title":"Inside","tags":["x"]}
            {"id":"b","source":"../outside.jpg"}
            {"id":"c","source":"\(scratch.file("outside.jpg"))"}
            {"id":"d","source":"photos/link.jpg"}
            {"id":"e","source":"file://\(root)/photos/a.jpg","kind":"image"}
            {"id":"f","source":"photos/../../outside.jpg"}
            not json

            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let listed = try BuildInput.entries(input: manifest)
        #expect(listed.entries.map(\.id) == ["a", "e"])
        #expect(listed.entries.first?.title == "Inside")
        #expect(listed.entries.first?.path.hasSuffix("/root/photos/a.jpg") == true)
        #expect(listed.rejected.map(\.input) == [2, 3, 4, 6, 7].map { "\(manifest):\($0)" })
        for rejection in listed.rejected.prefix(4) {
            #expect(rejection.reason.contains("outside the root"), "\(rejection)")
        }
        // With the scratch folder as root, relative paths are taken from it: the absolute path and the
        // symlink's target are now inside; `..` out of it is still refused.
        let wider = try BuildInput.entries(input: manifest, root: scratch.path)
        #expect(wider.entries.compactMap(\.id) == ["a", "c", "d", "e"])
        #expect(wider.rejected.map(\.input) == [2, 6, 7].map { "\(manifest):\($0)" })
    }

    @Test func csvManifestsWithQuotesAndTags() throws {
        let scratch = try TemporaryDirectory("vs-csv")
        defer { scratch.remove() }
        try Data([1]).write(to: URL(fileURLWithPath: scratch.file("clip.mp4")))
        let manifest = scratch.file("items.csv")
        try """
            path,id,title,description,tags,kind
            clip.mp4,v1,"Clip, with a comma","says ""hi""
            over two lines",drama;  night,video
            ../escape.mp4,v2,Nope,,,video
            clip.mp4,v3,Bad kind,,,audio
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let listed = try BuildInput.entries(input: manifest)
        let entry = try #require(listed.entries.first)
        #expect(listed.entries.count == 1)
        #expect(entry.id == "v1" && entry.kind == .video)
        #expect(entry.title == "Clip, with a comma")
        #expect(entry.description == "says \"hi\"\nover two lines")
        #expect(entry.tags == ["drama", "night"])
        #expect(listed.rejected.count == 2)
        #expect(listed.rejected[0].reason.contains("outside the root"))
        #expect(listed.rejected[1].reason.contains("audio"))
    }

    @Test func folderWalkIsRecursiveAndSorted() throws {
        let scratch = try TemporaryDirectory("vs-walk")
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.file("b/c"), withIntermediateDirectories: true)
        for name in ["z.jpg", "b/c/y.png", "a.bin", ".hidden"] { try Data([0]).write(to: URL(fileURLWithPath: scratch.file(name))) }
        let outside = try TemporaryDirectory("vs-walk-outside")
        defer { outside.remove() }
        try Data([0]).write(to: URL(fileURLWithPath: outside.file("secret.jpg")))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("b/out.jpg"), withDestinationPath: outside.file("secret.jpg"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("b/in.jpg"), withDestinationPath: scratch.file("z.jpg"))
        let listed = try BuildInput.entries(input: scratch.path)
        #expect(listed.entries.map { ($0.path as NSString).lastPathComponent } == ["a.bin", "y.png", "z.jpg"])
        #expect(listed.rejected.count == 1)
        #expect(listed.rejected.first?.reason.contains("outside the folder") == true)
        #expect(throws: IndexBuildError.self) { _ = try BuildInput.entries(input: scratch.file("missing")) }
    }
}
