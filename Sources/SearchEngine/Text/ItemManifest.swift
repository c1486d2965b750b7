import Catalog
import Foundation

/// Reads item metadata manifests in JSON Lines: one object per line,
/// `{"id", "kind": "image"|"video", "source", "title", "description", "tags": [...], "width", "height",
/// "duration" (seconds), "added_at" (ISO-8601 date or date-time), "content_hash"}`; only `id` and
/// `source` are required (`kind` defaults to image). Blank lines are skipped.
public enum ItemManifest {
    struct Line: Decodable {
        var id: String
        var kind: String?
        var source: String
        var title: String?
        var description: String?
        var tags: [String]?
        var width: Int?
        var height: Int?
        var duration: Double?
        var added_at: String?
        var content_hash: String?
    }

    /// Parses manifest text; `name` (a path) appears in errors with the line number.
    public static func items(jsonLines text: String, name: String) throws -> [CatalogItem] {
        var items: [CatalogItem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            func fail(_ why: String) -> CatalogError { CatalogError(subject: "\(name):\(index + 1)", reason: why) }
            let entry: Line
            do {
                entry = try JSONDecoder().decode(Line.self, from: Data(trimmed.utf8))
            } catch {
                throw fail("not a valid manifest line (\(Self.describe(error)))")
            }
            guard let kind = ItemKind(rawValue: entry.kind ?? "image") else {
                throw fail("kind '\(entry.kind ?? "")' is not image or video")
            }
            var added = Date()
            if let text = entry.added_at {
                guard let date = (try? Date(text, strategy: .iso8601)) ?? (try? Date(text + "T00:00:00Z", strategy: .iso8601)) else {
                    throw fail("added_at '\(text)' is not an ISO-8601 date")
                }
                added = date
            }
            items.append(CatalogItem(id: entry.id, kind: kind, source: entry.source, title: entry.title ?? "",
                                     description: entry.description ?? "", tags: entry.tags ?? [], width: entry.width,
                                     height: entry.height, duration: entry.duration, addedAt: added,
                                     contentHash: entry.content_hash))
        }
        return items
    }

    /// Reads a manifest file.
    public static func items(contentsOf url: URL) throws -> [CatalogItem] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CatalogError(subject: url.path, reason: "cannot read the manifest (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CatalogError(subject: url.path, reason: "manifest is not UTF-8")
        }
        return try items(jsonLines: text, name: url.path)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context): "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.valueNotFound(_, let context): "null at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "malformed JSON"
        }
    }
}
