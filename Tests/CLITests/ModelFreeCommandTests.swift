import Foundation
import SearchTesting
import Testing

/// The commands that only read or change the catalog and the index load no model: they work with
/// `VSEARCH_MODELS` pointing at an empty folder. "More like this" needs none either (stored vectors).
@Suite struct ModelFreeCommandTests {
    @Test func infoVersionsRollbackRemoveAndItemSearchRunWithoutModels() throws {
        let scratch = try TemporaryDirectory("vs-no-models")
        defer { scratch.remove() }
        let folder = scratch.file("photos")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var manifest = ""
        for name in ["apple.jpg", "orange.jpg", "baboon.jpg"] {
            try FileManager.default.copyItem(atPath: "\(EvalCommandTests.samples)/\(name)", toPath: "\(folder)/\(name)")
            manifest += "{\"id\":\"\((name as NSString).deletingPathExtension)\",\"source\":\"\(name)\"}\n"
        }
        try manifest.write(toFile: "\(folder)/manifest.jsonl", atomically: true, encoding: .utf8)
        let index = scratch.file("index")
        let built = try CommandLineRunner.vsearch(["build", "--input", "\(folder)/manifest.jsonl", "--index", index, "--quiet"])
        try #require(built.status == 0, "\(built.stderr)")

        // A copy of the binary in a folder with no models anywhere above it (the model locator also looks
        // beside the executable and in the working directory), and VSEARCH_MODELS naming an empty folder.
        let alone = scratch.file("alone")
        let empty = alone + "/no-models"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandLineRunner.vsearchPath, toPath: alone + "/vsearch")
        var environment = ProcessInfo.processInfo.environment
        environment["VSEARCH_MODELS"] = empty
        func run(_ arguments: [String]) throws -> CommandLineRunner.Outcome {
            try CommandLineRunner.run(alone + "/vsearch", arguments, environment: environment, currentDirectory: alone)
        }
        let info = try run(["info", "--index", index, "--json"])
        #expect(info.status == 0, "\(info.stderr)")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(counts["items"] as? Int == 3 && counts["vectors"] as? Int == 3 && counts["textVectors"] as? Int == 3)
        #expect(try run(["versions", "--index", index]).stdout.contains("* 1"))
        let similar = try run(["search", "--index", index, "--item", "apple", "--k", "2", "--json"])
        #expect(similar.status == 0, "\(similar.stderr)")
        #expect(similar.lines.count == 2 && !similar.stdout.contains("\"id\":\"apple\""))
        let rollback = try run(["rollback", "--index", index, "--to", "1"])
        #expect(rollback.status == 0 && rollback.stdout.contains("serving version 1"), "\(rollback.stderr)")
        let removed = try run(["remove", "--index", index, "--id", "orange"])
        #expect(removed.status == 0 && removed.stdout.contains("removed orange"), "\(removed.stderr)")
        let after = try run(["info", "--index", index, "--json"])
        #expect(after.stdout.contains("\"items\":2"), "\(after.stdout)")
        // A text query does need MiniLM: a clear error, exit 1.
        let text = try run(["search", "--index", index, "--text", "apple"])
        #expect(text.status == 1 && text.stderr.contains("model"), "\(text.stderr)")
    }
}
