import Foundation
import SearchEngine
import SearchTesting
import Testing

@Suite struct EvalQueryTests {
    @Test func parsesEveryForm() throws {
        let a = try EvalQuery.parse(#"{"id":"q1","image":"cat.jpg","relevant":["c1","c2"]}"#, line: 1, file: "q.jsonl", folder: "/data")
        #expect(a.id == "q1" && a.image == "/data/cat.jpg" && a.text == nil && a.hasExplicitID)
        #expect(a.relevance == .judged(RelevanceJudgments(relevant: ["c1", "c2"])))
        let b = try EvalQuery.parse(#"{"text":"red apple","relevant":{"a":3,"b":0}}"#, line: 7, file: "q.jsonl", folder: "/data")
        #expect(b.id == "line 7" && !b.hasExplicitID && b.image == nil)
        #expect(b.relevance == .judged(RelevanceJudgments(grades: ["a": 3])))
        let c = try EvalQuery.parse(#"{"image":"/abs/dog.png","text":"dog","labels":["retriever"]}"#, line: 2, file: "q.jsonl", folder: "/data")
        #expect(c.image == "/abs/dog.png" && c.relevance == .labels(["retriever"]))
    }

    @Test func badLinesNameTheLineAndReason() {
        let cases: [(String, String)] = [
            ("not json", "not a JSON object"),
            (#"{"relevant":["a"]}"#, "needs \"image\" or \"text\""),
            (#"{"text":"x"}"#, "needs \"relevant\""),
            (#"{"text":"x","relevant":["a"],"labels":["b"]}"#, "not both"),
            (#"{"text":"x","relevant":{"a":-1}}"#, "grade of \"a\""),
            (#"{"text":"x","relevant":{"a":0}}"#, "no relevant item"),
            (#"{"text":"x","relevant":[1]}"#, "non-empty strings"),
            (#"{"text":"x","relevant":["a"],"extra":1}"#, "unknown field \"extra\""),
            (#"{"text":"","relevant":["a"]}"#, "\"text\" must be a non-empty string"),
        ]
        for (line, reason) in cases {
            #expect {
                try EvalQuery.parse(line, line: 3, file: "q.jsonl", folder: "")
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("q.jsonl:3: ") && text.contains(reason)
            }
        }
    }

    @Test func fileErrors() throws {
        #expect(throws: EvalError.self) { try EvalQuery.load(path: "/nonexistent/q.jsonl") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-evalq-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"text\":\"a\",\"relevant\":[\"x\"]}\n\n{\"text\":\"b\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try EvalQuery.load(path: path) } throws: { "\($0)".contains("\(path):3") }
    }

    /// Empty, truncated, oversized and non-UTF-8 query files: each a clear error naming the file (the
    /// oversized one before anything is read: a sparse file one byte over the limit).
    @Test func emptyTruncatedOversizedAndBinaryFiles() throws {
        let scratch = try TemporaryDirectory("vs-evalq-bad")
        defer { scratch.remove() }
        let cases: [(name: String, reason: String)] = [
            ("empty.jsonl", "holds no queries"),
            ("truncated.jsonl", "not a JSON object"),
            ("oversized.jsonl", "over the \(EvalQuery.maxFileBytes)-byte limit"),
            ("binary.jsonl", "not UTF-8"),
        ]
        try Data().write(to: URL(fileURLWithPath: scratch.file("empty.jsonl")))
        try Data(#"{"text":"red apple","relevant":["app"#.utf8).write(to: URL(fileURLWithPath: scratch.file("truncated.jsonl")))
        let handle = try FileHandle(forWritingTo: {
            FileManager.default.createFile(atPath: scratch.file("oversized.jsonl"), contents: nil)
            return URL(fileURLWithPath: scratch.file("oversized.jsonl"))
        }())
        try handle.truncate(atOffset: UInt64(EvalQuery.maxFileBytes + 1))
        try handle.close()
        try Data([0x7B, 0xFF, 0xFE, 0x7D, 0x0A]).write(to: URL(fileURLWithPath: scratch.file("binary.jsonl")))
        for (name, reason) in cases {
            let path = scratch.file(name)
            #expect { try EvalQuery.load(path: path) } throws: { "\($0)".contains(path) && "\($0)".contains(reason) }
        }
    }
}
