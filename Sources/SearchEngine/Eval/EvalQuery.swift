import Foundation

/// What counts as relevant for one evaluation query.
public enum EvalRelevance: Sendable, Equatable {
    /// Judged item ids with their grades (binary lists use grade 1).
    case judged(RelevanceJudgments)
    /// Every item carrying one of these labels as a user tag or an auto-tag (grade 1), matched
    /// case-insensitively; an ImageNet auto-tag like `"tabby, tabby cat"` matches each of its names.
    case labels([String])
}

/// One line of a labelled query file (JSON Lines):
///
/// ```
/// {"id": "q1", "image": "photos/cat.jpg", "relevant": ["cat-2", "cat-7"]}
/// {"text": "red apple", "relevant": {"apple-1": 3, "apple-2": 1}}
/// {"image": "dog.png", "text": "dog on grass", "labels": ["golden retriever"]}
/// ```
///
/// - `id` (optional): names the query in reports (default `line N`). When an indexed item has the same
///   id it is left out of the query's ranking (leave-one-out: a photo of the collection used as a query
///   does not count itself).
/// - `image` (path, relative to the query file's folder unless absolute) and/or `text`: at least one.
/// - exactly one of `relevant` (array of item ids, binary; or object `id → grade`, grade a number ≥ 0,
///   0 meaning not relevant) or `labels` (array of strings).
public struct EvalQuery: Sendable, Equatable {
    public var id: String
    /// 1-based line in the query file.
    public var line: Int
    public var image: String?
    public var text: String?
    public var relevance: EvalRelevance
    /// Whether `id` was given (and so also names an item to leave out).
    public var hasExplicitID: Bool
}

extension EvalQuery {
    /// Largest query file read (bytes).
    public static let maxFileBytes = 64 << 20

    /// Parses a query file. Blank lines are skipped; any bad line throws an ``EvalError`` naming the
    /// file, the line and the reason.
    public static func load(path: String) throws -> [EvalQuery] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int else { throw EvalError(path, "cannot read the query file (missing or unreadable)") }
        guard size <= maxFileBytes else { throw EvalError(path, "is \(size) bytes, over the \(maxFileBytes)-byte limit for a query file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw EvalError(path, "cannot read the query file") }
        guard let text = String(data: data, encoding: .utf8) else { throw EvalError(path, "is not UTF-8 text") }
        let folder = (path as NSString).deletingLastPathComponent
        var queries: [EvalQuery] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            queries.append(try parse(trimmed, line: i + 1, file: path, folder: folder))
        }
        guard !queries.isEmpty else { throw EvalError(path, "holds no queries") }
        return queries
    }

    /// Parses one JSON line (`line` 1-based; relative image paths resolved under `folder`).
    public static func parse(_ json: String, line: Int, file: String, folder: String) throws -> EvalQuery {
        let subject = "\(file):\(line)"
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw EvalError(subject, "is not a JSON object")
        }
        let known: Set<String> = ["id", "image", "text", "relevant", "labels"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw EvalError(subject, "unknown field \"\(unknown)\" (expected id, image, text, relevant or labels)")
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let s = value as? String, !s.isEmpty else { throw EvalError(subject, "\"\(key)\" must be a non-empty string") }
            return s
        }
        let id = try string("id")
        var image = try string("image")
        let text = try string("text")
        guard image != nil || text != nil else { throw EvalError(subject, "needs \"image\" or \"text\" (or both)") }
        if let path = image, !path.hasPrefix("/") { image = folder.isEmpty ? path : folder + "/" + path }
        let relevance: EvalRelevance
        switch (object["relevant"], object["labels"]) {
        case (nil, nil): throw EvalError(subject, "needs \"relevant\" (ids or {id: grade}) or \"labels\"")
        case (.some, .some): throw EvalError(subject, "give either \"relevant\" or \"labels\", not both")
        case let (relevant?, nil):
            if let ids = relevant as? [Any] {
                let strings = ids.compactMap { $0 as? String }.filter { !$0.isEmpty }
                guard strings.count == ids.count else { throw EvalError(subject, "\"relevant\" must list item ids as non-empty strings") }
                relevance = .judged(RelevanceJudgments(relevant: strings))
            } else if let graded = relevant as? [String: Any] {
                var grades: [String: Double] = [:]
                for (key, value) in graded {
                    guard let grade = (value as? NSNumber)?.doubleValue, grade.isFinite, grade >= 0, grade <= 30 else {
                        throw EvalError(subject, "grade of \"\(key)\" must be a number from 0 to 30")
                    }
                    grades[key] = grade
                }
                relevance = .judged(RelevanceJudgments(grades: grades))
            } else {
                throw EvalError(subject, "\"relevant\" must be an array of ids or an object of id → grade")
            }
            if case let .judged(j) = relevance, j.relevantCount == 0 {
                throw EvalError(subject, "no relevant item (metrics are undefined without one)")
            }
        case let (nil, labels?):
            guard let list = labels as? [Any], !list.isEmpty else { throw EvalError(subject, "\"labels\" must be a non-empty array of strings") }
            let strings = list.compactMap { $0 as? String }.filter { !$0.isEmpty }
            guard strings.count == list.count else { throw EvalError(subject, "\"labels\" must be a non-empty array of strings") }
            relevance = .labels(strings)
        }
        return EvalQuery(id: id ?? "line \(line)", line: line, image: image, text: text, relevance: relevance, hasExplicitID: id != nil)
    }
}
