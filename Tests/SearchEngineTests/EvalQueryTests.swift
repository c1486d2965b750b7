import Foundation
import SearchEngine
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
}
