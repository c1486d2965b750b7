import Foundation
import SearchTesting
import Testing

/// `vsearch build` and `vsearch add` as users run them: failures named on stderr (20, then a count),
/// `build-report.json` for every run, reasons and codes in `--json`, live adds carried over or dropped.
@Suite(.serialized) struct BuildCommandTests {
    static let root = CLIContractTests.root
    static func sample(_ name: String) -> String { "\(root)/assets/samples/\(name)" }

    /// The models from `VSEARCH_MODELS`, else the repository's `assets/models`.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = "\(root)/assets/models" }
        return environment
    }

    static func run(_ arguments: [String]) throws -> CommandLineRunner.Outcome {
        try CommandLineRunner.vsearch(arguments, environment: environment)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    /// 23 manifest lines naming missing files: exit 1, no version, the first 20 failures on stderr each
    /// naming its input, then the count line; the report and `--json` list all 23 with reason and code.
    @Test func aBuildWhoseEveryInputFailsNamesEachAndExitsOne() throws {
        let scratch = try TemporaryDirectory("vs-cli-fail")
        defer { scratch.remove() }
        let manifest = scratch.file("items.jsonl")
        try (0..<23).map { #"{"path":"missing-\#($0).jpg"}"# }.joined(separator: "\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let index = scratch.file("index")
        let outcome = try Self.run(["build", "--input", manifest, "--index", index, "--json"])
        #expect(outcome.status == 1, "\(outcome.stderr)")

        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        let named = lines.filter { $0.contains("/missing-") && $0.contains("no such file") }
        #expect(named.count == 20, "\(outcome.stderr)")
        #expect(lines.contains("vsearch build: … and 3 more failures (see \(index)/build-report.json)"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: index + "/CURRENT"))

        let report = try json(try String(contentsOfFile: index + "/build-report.json", encoding: .utf8))
        let listed = try #require(report["failures"] as? [[String: Any]])
        #expect(listed.count == 23)
        #expect(listed.allSatisfy { $0["code"] as? String == "not_found" && ($0["input"] as? String)?.contains("/missing-") == true })
        let summary = try json(try #require(outcome.lines.last))
        let failures = try #require(summary["failures"] as? [[String: Any]])
        #expect(failures.count == 23)
        #expect(failures.first?["reason"] as? String == "no such file" && failures.first?["code"] as? String == "not_found")
        #expect(summary["version"] == nil)
    }

    /// `vsearch add`ed photo survives the next build (carried over, counted); `--replace` drops it and
    /// says how many it dropped.
    @Test func anAddedItemSurvivesTheNextBuildAndReplaceDropsIt() throws {
        let scratch = try TemporaryDirectory("vs-cli-carry")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["apple.jpg", "baboon.jpg"] { try FileManager.default.copyItem(atPath: Self.sample(name), toPath: folder + "/" + name) }
        let index = scratch.file("index")
        let first = try Self.run(["build", "--input", folder, "--index", index, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let added = try Self.run(["add", "--index", index, "--json", Self.sample("butterfly.jpg")])
        #expect(added.status == 0, "\(added.stderr)")

        let rebuilt = try json(try #require(try Self.run(["build", "--input", folder, "--index", index, "--json"]).lines.last))
        #expect(rebuilt["carriedOver"] as? Int == 1 && rebuilt["items"] as? Int == 3 && rebuilt["version"] as? Int == 2)
        let found = try Self.run(["search", "--index", index, "--image", Self.sample("butterfly.jpg"), "--k", "1", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("butterfly.jpg"), "\(found.stdout)")

        let replaced = try Self.run(["build", "--input", folder, "--index", index, "--replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("dropped (--replace): 1 items"), "\(replaced.stdout)")
    }

    /// `--from-index` (no `--input`) embeds every item of the serving version again, the added one too.
    @Test func fromIndexEmbedsTheServingItemsAgain() throws {
        let scratch = try TemporaryDirectory("vs-cli-from-index")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["apple.jpg", "baboon.jpg"] { try FileManager.default.copyItem(atPath: Self.sample(name), toPath: folder + "/" + name) }
        let index = scratch.file("index")
        #expect(try Self.run(["build", "--input", folder, "--index", index, "--quiet"]).status == 0)
        #expect(try Self.run(["add", "--index", index, Self.sample("butterfly.jpg")]).status == 0)

        let outcome = try Self.run(["build", "--from-index", "--index", index, "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let summary = try json(try #require(outcome.lines.last))
        #expect(summary["embeddedImages"] as? Int == 3 && summary["items"] as? Int == 3 && summary["version"] as? Int == 2)
        #expect(summary["carriedOver"] as? Int == 0)
    }
}
