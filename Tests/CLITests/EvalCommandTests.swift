import Foundation
import SearchTesting
import Testing

/// `vsearch eval` and `vsearch drift` on a small real index (six committed opencv-doc photos, built
/// from a manifest so ids and tags are known): JSON lines with the summary last, errors naming the line,
/// the saved nprobe default, and drift.json in the shape /metrics reads.
@Suite(.serialized) struct EvalCommandTests {
    static let samples = "\(CLIContractTests.root)/assets/samples"
    static let photos = ["apple.jpg", "orange.jpg", "fruits.jpg", "baboon.jpg", "butterfly.jpg", "smarties.png"]

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line.prefix(200))")
    }

    /// Builds the index with `vsearch build` from a manifest: id = file stem, tag "fruit" on the three fruit photos.
    private func buildIndex(_ scratch: TemporaryDirectory) throws -> (index: String, folder: String) {
        let folder = scratch.file("photos")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var manifest = ""
        for name in Self.photos {
            try FileManager.default.copyItem(atPath: "\(Self.samples)/\(name)", toPath: "\(folder)/\(name)")
            let stem = (name as NSString).deletingPathExtension
            let tags = ["apple", "orange", "fruits"].contains(stem) ? "[\"fruit\"]" : "[]"
            manifest += "{\"id\":\"\(stem)\",\"source\":\"\(name)\",\"title\":\"\(stem)\",\"tags\":\(tags)}\n"
        }
        try manifest.write(toFile: "\(folder)/manifest.jsonl", atomically: true, encoding: .utf8)
        let index = scratch.file("index")
        let built = try CommandLineRunner.vsearch(["build", "--input", "\(folder)/manifest.jsonl", "--index", index, "--quiet"])
        try #require(built.status == 0, "\(built.stderr)")
        return (index, folder)
    }

    @Test func evalCommandsOnARealIndex() throws {
        let scratch = try TemporaryDirectory("vs-eval-cli")
        defer { scratch.remove() }
        let (index, folder) = try buildIndex(scratch)

        // Labelled queries: an image that must find itself, a leave-one-out label query, a graded text query.
        let queries = scratch.file("q.jsonl")
        try """
            {"id":"self","image":"photos/apple.jpg","relevant":["apple"]}
            {"id":"orange","image":"photos/orange.jpg","labels":["fruit"]}

            {"text":"smarties","relevant":{"smarties":2,"fruits":1}}
            """.write(toFile: queries, atomically: true, encoding: .utf8)
        let eval = try CommandLineRunner.vsearch(["eval", "--index", index, "--queries", queries, "--k", "3", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.lines.count == 4)
        let first = try json(eval.lines[0])
        #expect(first["query"] as? String == "self" && first["first_relevant_rank"] as? Int == 1 && first["recall"] as? Double == 1)
        let second = try json(eval.lines[1])
        #expect(second["relevant"] as? Int == 2, "apple and fruits carry the tag; the query itself is left out")
        #expect(!((second["results"] as? [String]) ?? []).contains("orange"))
        let summary = try json(eval.lines[3])
        #expect(summary["summary"] as? Bool == true && summary["queries"] as? Int == 3 && summary["failed"] as? Int == 0)
        for key in ["recall", "precision", "map", "mrr", "ndcg"] { #expect(summary[key] is Double, "\(key)") }
        let table = try CommandLineRunner.vsearch(["eval", "--index", index, "--queries", queries, "--exact"])
        #expect(table.status == 0 && table.stdout.contains("mean over 3 queries"), "\(table.stderr)")

        // A bad line: exit 1, stderr names the file and line.
        let bad = scratch.file("bad.jsonl")
        try "{\"text\":\"apple\",\"relevant\":[\"apple\"]}\n{\"text\":\"x\"}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try CommandLineRunner.vsearch(["eval", "--index", index, "--queries", bad])
        #expect(refused.status == 1 && refused.stderr.contains("\(bad):2"), "\(refused.stderr)")
        #expect(try CommandLineRunner.vsearch(["eval", "--index", index]).status == 2)

        // Near duplicates: 6 photos × 7 edits, per-copy lines, per-transform rows, the summary last.
        let nd = try CommandLineRunner.vsearch(["eval", "--near-duplicates", folder, "--index", index, "--json"])
        #expect(nd.status == 0, "\(nd.stderr)")
        #expect(nd.lines.count == 6 * 7 + 7 + 1)
        let overall = try json(nd.lines.last!)
        #expect(overall["summary"] as? Bool == true && overall["transform"] as? String == "all" && overall["copies"] as? Int == 42)
        #expect((overall["rank1_rate"] as? Double ?? 0) >= 0.5, "\(overall)")

        // ANN check over every list count, saved as the default.
        let ann = try CommandLineRunner.vsearch(["eval", "--ann", "--index", index, "--nprobe", "1,2,3,4,5,6", "--sample", "6", "--k", "2", "--save", "--json"])
        #expect(ann.status == 0, "\(ann.stderr)")
        let annSummary = try json(ann.lines.last!)
        #expect(annSummary["saved"] as? Bool == true && annSummary["recommended_nprobe"] is Int)
        let rows = try ann.lines.dropLast().map(json)
        #expect(rows.last?["recall"] as? Double == 1.0)
        #expect(FileManager.default.fileExists(atPath: "\(index)/versions/000001/search-defaults.bin"))
        let info = try json(try CommandLineRunner.vsearch(["info", "--index", index, "--json"]).stdout.trimmingCharacters(in: .newlines))
        #expect(info["defaultNprobe"] as? Int == annSummary["recommended_nprobe"] as? Int && info["defaultNprobeSaved"] as? Bool == true)

        // Drift with nothing added since the build: no retrain; drift.json in the exact shape.
        let drift = try CommandLineRunner.vsearch(["drift", "--index", index, "--json"])
        #expect(drift.status == 0, "\(drift.stderr)")
        let saved = try json(String(contentsOfFile: "\(index)/drift.json", encoding: .utf8).trimmingCharacters(in: .newlines))
        #expect(Set(saved.keys) == ["version", "computedAt", "metrics", "retrain"])
        #expect(saved["version"] as? Int == 1 && saved["retrain"] as? Bool == false && saved["computedAt"] is Int)
        let metrics = try #require(saved["metrics"] as? [String: Any])
        #expect(metrics["current_vectors"] as? Int == 0 && metrics["reference_vectors"] as? Int == 6)
        #expect(metrics.keys.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })

        // Two photos added after training are the current set; a forced retrain folds them into the
        // trained-on base, and the report written afterwards shows nothing new.
        let added = try CommandLineRunner.vsearch(["add", "--index", index, "\(Self.samples)/messi5.jpg", "\(Self.samples)/starry_night.jpg"])
        #expect(added.status == 0, "\(added.stderr)")
        let before = try json(try CommandLineRunner.vsearch(["drift", "--index", index, "--json"]).lines.last ?? "")
        #expect(before["current_vectors"] as? Int == 2 && before["reference_vectors"] as? Int == 6)
        let retrained = try CommandLineRunner.vsearch(["drift", "--index", index, "--retrain", "--force"])
        #expect(retrained.status == 0 && retrained.stdout.contains("retrained"), "\(retrained.stderr)")
        let after = try json(String(contentsOfFile: "\(index)/drift.json", encoding: .utf8).trimmingCharacters(in: .newlines))
        let afterMetrics = try #require(after["metrics"] as? [String: Any])
        #expect(afterMetrics["current_vectors"] as? Int == 0 && afterMetrics["reference_vectors"] as? Int == 8)
        #expect(try CommandLineRunner.vsearch(["drift", "--index", index, "--force"]).status == 2)
    }
}
