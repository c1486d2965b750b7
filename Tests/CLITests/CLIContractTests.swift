import Foundation
import SearchTesting
import Testing

/// The command-line contract of ARCHITECTURE.md, checked on the built `vsearch`: JSON lines on stdout, errors on
/// stderr naming the input and the reason, exit 0 / 1 (an input failed) / 2 (usage).
@Suite struct CLIContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let apple = "\(root)/assets/samples/apple.jpg"
    static let video = "\(root)/Tests/VideoFramesTests/Fixtures/bbb-4s.mp4"

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line.prefix(200))")
    }

    @Test func inspectReportsEachInputAndFailsForTheBadOnes() throws {
        let scratch = try TemporaryDirectory("vs-cli")
        defer { scratch.remove() }
        let empty = scratch.file("empty.jpg")
        try Data().write(to: URL(fileURLWithPath: empty))
        let text = scratch.file("notes.png")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let outcome = try CommandLineRunner.vsearch(["inspect", "--json", Self.apple, empty, text, "/nonexistent/x.jpg", Self.video])
        #expect(outcome.status == 1)
        #expect(outcome.lines.count == 2)
        let image = try json(outcome.lines[0])
        #expect(image["format"] as? String == "jpeg" && image["width"] as? Int == 512)
        let video = try json(outcome.lines[1])
        #expect(video["codec"] as? String == "h264" && video["fps"] as? Double == 25)
        for bad in [empty, text, "/nonexistent/x.jpg"] { #expect(outcome.stderr.contains(bad), "stderr names \(bad)") }
        #expect(outcome.stderr.contains("empty"))
    }

    @Test func hostileFileNamesStayValidJSON() throws {
        let scratch = try TemporaryDirectory("vs-cli")
        defer { scratch.remove() }
        let name = scratch.file("a \"quoted\"\tname\\with\nnewline.jpg")
        try FileManager.default.copyItem(atPath: Self.apple, toPath: name)
        let outcome = try CommandLineRunner.vsearch(["inspect", "--json", name])
        #expect(outcome.status == 0)
        #expect(try json(outcome.stdout.trimmingCharacters(in: .newlines))["path"] as? String == name)
    }

    @Test func usageErrorsExitTwo() throws {
        for arguments in [["resize", Self.apple], ["embed", "--batch", "0", Self.apple], ["no-such-command"],
                          ["vectors", "search", "--index", "/tmp"]] {
            let outcome = try CommandLineRunner.vsearch(arguments)
            #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
            #expect(!outcome.stderr.isEmpty)
        }
        // OPQ is a PQ option: asked for with another encoding, it is a usage error that says so.
        for arguments in [["build", "--index", "/nonexistent/idx", "--input", "/nonexistent", "--encoding", "sq8", "--opq"],
                          ["vectors", "build", "--base", "/nonexistent/b.fvecs", "--index", "/nonexistent/idx", "--encoding", "flat", "--opq"]] {
            let outcome = try CommandLineRunner.vsearch(arguments)
            #expect(outcome.status == 2 && outcome.stderr.contains("--opq applies to"), "\(arguments): \(outcome.stderr)")
        }
    }

    @Test func resizeCropWritesTheModelInput() throws {
        let scratch = try TemporaryDirectory("vs-cli")
        defer { scratch.remove() }
        let out = scratch.file("crop.png")
        let resized = try CommandLineRunner.vsearch(["resize", Self.apple, "--size", "224", "--mode", "crop", "--out", out])
        #expect(resized.status == 0, "\(resized.stderr)")
        let inspected = try CommandLineRunner.vsearch(["inspect", "--json", out])
        let info = try json(inspected.stdout.trimmingCharacters(in: .newlines))
        #expect(info["format"] as? String == "png" && info["width"] as? Int == 224 && info["height"] as? Int == 224)
    }

    @Test func embedPrintsUnitEmbeddingsAndFiveLabelsAndSkipsBadFiles() throws {
        let outcome = try CommandLineRunner.vsearch(["embed", "--json", Self.apple, "/nonexistent/y.png"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/y.png"))
        let line = try json(try #require(outcome.lines.first))
        let embedding = try #require(line["embedding"] as? [Double])
        #expect(embedding.count == 1280)
        #expect(abs(embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
        let labels = try #require(line["labels"] as? [[String: Any]])
        #expect(labels.count == 5)
        #expect(labels.allSatisfy { $0["index"] is Int && $0["name"] is String && $0["score"] is Double })
    }

    @Test func embedTextPrintsUnitEmbeddings() throws {
        let outcome = try CommandLineRunner.vsearch(["embed-text", "--json", "a cat on a mat", ""])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.lines.count == 2)
        for line in outcome.lines {
            let embedding = try #require(try json(line)["embedding"] as? [Double])
            #expect(embedding.count == 384)
            #expect(abs(embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
        }
    }

    @Test func searchingAMissingIndexIsAClearError() throws {
        let outcome = try CommandLineRunner.vsearch(["search", "--index", "/nonexistent/index", "--text", "cat"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/index"))
    }

    @Test func vectorsBuildRefusesATruncatedFile() throws {
        let scratch = try TemporaryDirectory("vs-cli")
        defer { scratch.remove() }
        let base = scratch.file("base.fvecs")
        var bytes = Data()
        withUnsafeBytes(of: Int32(4).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [0, 0, 128, 63, 0, 0])  // 1.5 floats of a declared 4
        try bytes.write(to: URL(fileURLWithPath: base))
        let outcome = try CommandLineRunner.vsearch(["vectors", "build", "--base", base, "--index", scratch.file("index")])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains(base))
    }
}
