import Catalog
import Foundation

/// One line of a build's JSON Lines manifest:
/// `{"path" | "source": "photos/a.jpg" | "file:///…", "id", "kind": "image"|"video", "title", "description", "tags": [...]}`.
/// The file may be named by `path` or by `source` (as in CSV headers); either may be a path (relative to
/// the root) or a `file://` URI. Everything but the file is optional: without an `id` the item's id is
/// derived from its content.
struct BuildManifestLine: Decodable {
    var file: String
    var id: String?
    var kind: ItemKind?
    var title: String?
    var description: String?
    var tags: [String]?

    private enum Keys: String, CodingKey { case path, source, id, kind, title, description, tags }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let path = try c.decodeIfPresent(String.self, forKey: .path)
        let source = try c.decodeIfPresent(String.self, forKey: .source)
        guard let file = path ?? source else { throw Refusal("missing \"path\" (or \"source\"): the file to index") }
        if let path, let source, path != source { throw Refusal("\"path\" and \"source\" name different files") }
        self.file = file
        id = try c.decodeIfPresent(String.self, forKey: .id)
        if let text = try c.decodeIfPresent(String.self, forKey: .kind) {
            guard let parsed = ItemKind(rawValue: text.lowercased()) else { throw Refusal("kind '\(text)' is not image or video") }
            kind = parsed
        }
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
    }

    /// Parses one (trimmed, non-empty) line; a thrown error's text is the whole reason.
    static func parse(_ line: String) throws -> BuildManifestLine {
        do {
            return try JSONDecoder().decode(BuildManifestLine.self, from: Data(line.utf8))
        } catch let refusal as Refusal {
            throw refusal
        } catch DecodingError.typeMismatch(_, let context) {
            throw Refusal("not a valid manifest line (wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")))")
        } catch DecodingError.valueNotFound(_, let context) {
            throw Refusal("not a valid manifest line (null at \(context.codingPath.map(\.stringValue).joined(separator: ".")))")
        } catch {
            throw Refusal("not a valid manifest line (malformed JSON)")
        }
    }

    /// A line refused for a reason of its own (its text is the whole reason).
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
