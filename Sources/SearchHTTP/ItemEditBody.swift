import Catalog
import Foundation

/// The JSON body of `PATCH /v1/items/{id}`: an object with any of `title` (string), `description`
/// (string) and `tags` (an array of strings, or one string of tags separated by `,`).
enum ItemEditBody {
    /// Largest body accepted.
    static let maximumBytes = 256 << 10
    static let fields: Set<String> = ["title", "description", "tags"]

    /// Parses `bytes`; 400 `invalid_parameter`/`bad_request` naming the field and the reason.
    static func parse(_ bytes: [UInt8]) throws -> ItemEdit {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let fields = object as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object with any of title, description, tags")
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.invalidParameter(unknown, "unknown field (known: title, description, tags)")
        }
        var edit = ItemEdit()
        for name in ["title", "description"] {
            guard let value = fields[name] else { continue }
            guard let text = value as? String else { throw APIError.invalidParameter(name, "must be a string") }
            if name == "title" { edit.title = text.trimmingCharacters(in: .whitespacesAndNewlines) } else {
                edit.description = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if let value = fields["tags"] {
            if let list = value as? [Any] {
                guard let strings = list as? [String] else { throw APIError.invalidParameter("tags", "must be an array of strings") }
                edit.tags = strings
            } else if let text = value as? String {
                edit.tags = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" }).map { String($0) }
            } else {
                throw APIError.invalidParameter("tags", "must be an array of strings")
            }
            edit.tags = edit.tags!.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard !edit.isEmpty else { throw APIError.badRequest("the body changes nothing: give any of title, description, tags") }
        return edit
    }
}
