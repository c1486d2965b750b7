import Foundation
@testable import SearchEngine
import SearchTesting
import Testing

/// Build inputs are streamed: a manifest is read one line at a time, a folder one listing at a time.
@Suite struct BuildInputStreamTests {
    /// A 1,000,000-line JSON Lines manifest (~70 MB) is walked to the end, in order, while the reader
    /// never holds more than its 64 KiB buffer and one line (collecting it, as builds once did, held the
    /// whole text plus an entry per line: hundreds of MB). Resident memory is not measured here: tests
    /// run in parallel in one process, so RSS would measure them too.
    @Test func millionLineManifestStreamsInBoundedMemory() throws {
        let scratch = try TemporaryDirectory("vs-manifest-1m")
        defer { scratch.remove() }
        try Data([1]).write(to: URL(fileURLWithPath: scratch.file("a.jpg")))
        let manifest = scratch.file("items.jsonl")
        let lines = 1_000_000
        _ = FileManager.default.createFile(atPath: manifest, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: manifest))
        var block = ""
        for i in 0..<lines {
            block += "{\"id\":\"item-\(i)\",\"source\":\"a.jpg\",\"title\":\"Photo number \(i)\"}\n"
            if block.utf8.count > 1 << 20 { handle.write(Data(block.utf8)); block = "" }
        }
        handle.write(Data(block.utf8))
        try handle.close()
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: manifest)[.size] as? Int)

        var reader = try ManifestLineReader(path: manifest)
        defer { reader.close() }
        var count = 0
        while let line = try reader.next() {
            guard case .text = line else { Issue.record("bad line \(line)"); break }
            count += 1
        }
        #expect(count == lines)
        #expect(reader.peakHeldBytes <= (1 << 16) + ManifestLineReader.maximumLineBytes && reader.peakHeldBytes < bytes / 100,
                "held \(reader.peakHeldBytes) bytes of a \(bytes)-byte manifest")

        // The stream parses every line into an entry, in order, and hands each over before reading on.
        var seen = 0, lastID = ""
        try BuildInputStream(input: manifest).forEach { item in
            guard case .entry(let entry) = item else { return false }
            seen += 1
            lastID = entry.id ?? ""
            return true
        }
        #expect(seen == lines && lastID == "item-\(lines - 1)")
    }

    @Test func streamedManifestsMatchTheCollectedEntriesAndReportBadLines() throws {
        let scratch = try TemporaryDirectory("vs-manifest-stream")
        defer { scratch.remove() }
        try Data([1]).write(to: URL(fileURLWithPath: scratch.file("a.jpg")))
        let long = String(repeating: "x", count: (1 << 20) + 10)
        let manifest = scratch.file("items.jsonl")
        try "{\"id\":\"a\",\"source\":\"a.jpg\"}\r\n\n{\"source\":\"\(long)\"}\n{\"id\":\"b\",\"source\":\"a.jpg\"}".write(toFile: manifest, atomically: true, encoding: .utf8)
        var items: [BuildInputItem] = []
        try BuildInputStream(input: manifest).forEach { items.append($0); return true }
        #expect(items.count == 3)
        guard items.count == 3, case .entry(let a) = items[0], case .rejected(let bad) = items[1], case .entry(let b) = items[2] else {
            Issue.record("unexpected items \(items)")
            return
        }
        #expect(a.id == "a" && b.id == "b")  // CRLF handled; the last line has no newline
        #expect(bad.input == "\(manifest):3" && bad.reason.contains("longer than"))
        #expect(try BuildInputStream(input: manifest).count() == (entries: 2, rejected: 1))

        // CSV: a quoted field spanning lines, then an unterminated one (an error naming the line).
        let csv = scratch.file("items.csv")
        try "path,id,description\na.jpg,x,\"two\nlines\"\na.jpg,y,\"open\n".write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(throws: IndexBuildError.self) { try BuildInputStream(input: csv).count() }
        try "path,id,description\na.jpg,x,\"two\nlines\"\n\na.jpg,y,plain".write(toFile: csv, atomically: true, encoding: .utf8)
        let listed = try BuildInput.entries(input: csv)
        #expect(listed.entries.map(\.id) == ["x", "y"] && listed.entries.first?.description == "two\nlines")
        #expect(listed.rejected.isEmpty)
    }
}
