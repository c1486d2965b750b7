import Catalog
import Foundation

/// One thing to index: a file, and the metadata a manifest gave it (none for folder inputs).
public struct BuildEntry: Sendable, Equatable {
    /// Absolute, symlink-resolved path of the file.
    public var path: String
    /// The id the manifest gave (nil: derived from the content hash).
    public var id: String?
    public var kind: ItemKind?
    public var title: String
    public var description: String
    public var tags: [String]

    public init(path: String, id: String? = nil, kind: ItemKind? = nil, title: String = "", description: String = "",
                tags: [String] = []) {
        self.path = path
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.tags = tags
    }
}

/// What a build reads: every regular file under a folder (recursively, sorted, hidden files skipped),
/// or the lines of a manifest whose paths are confined to a root folder.
///
/// Manifests: JSON Lines (`.jsonl`/`.ndjson`, read with ``ItemManifest``: `source` is the path or a
/// `file://` URI) or CSV (`.csv`: a header row naming `path` (or `source`), and optionally `id`, `title`,
/// `description`, `tags` (separated by `;` or `|`), `kind`; RFC 4180 quoting).
public enum BuildInput {
    /// The entries of `input` (a folder or a manifest file). `root` confines manifest paths (default:
    /// the manifest's folder). Malformed lines and paths escaping the root are returned as rejections.
    public static func entries(input: String, root: String? = nil) throws -> (entries: [BuildEntry], rejected: [BuildFailure]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw IndexBuildError(.badInput, input, "no such file or folder")
        }
        if isDirectory.boolValue { return try folder(input) }
        let manifestRoot = root ?? (absolute(input) as NSString).deletingLastPathComponent
        let lower = input.lowercased()
        if lower.hasSuffix(".csv") { return try csvManifest(input, root: manifestRoot) }
        return try jsonManifest(input, root: manifestRoot)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Every regular file under `directory`, sorted by path; symlinks are followed only when they
    /// stay inside the folder (others are returned as rejections).
    static func folder(_ directory: String) throws -> (entries: [BuildEntry], rejected: [BuildFailure]) {
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(
            at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles]) else {
            throw IndexBuildError(.badInput, directory, "cannot list the folder")
        }
        var paths: [String] = []
        var rejected: [BuildFailure] = []
        for case let url as URL in walker {
            let resolved = url.resolvingSymlinksInPath().path
            guard isInside(resolved, root: root) else {
                rejected.append(BuildFailure(input: url.path, reason: "a symlink to \(resolved), outside the folder; not followed"))
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(resolved)
            }
        }
        return (Set(paths).sorted().map { BuildEntry(path: $0) }, rejected)  // a symlink to a file inside: once
    }

    static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// Resolves a manifest path under `root`: relative paths are joined to the root; `file://` URIs and
    /// absolute paths are taken as they are; after resolving `..` and symlinks the result must be inside
    /// the root.
    public static func confine(_ reference: String, root: String) throws -> String {
        var text = reference
        if text.hasPrefix("file://") {
            guard let url = URL(string: text), url.isFileURL else {
                throw IndexBuildError(.badInput, reference, "is not a valid file URI")
            }
            text = url.path
        } else if text.contains("://") {
            throw IndexBuildError(.badInput, reference, "only local paths and file:// URIs are supported")
        }
        guard !text.isEmpty, !text.contains("\0") else { throw IndexBuildError(.badInput, reference, "empty path") }
        let resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let joined = text.hasPrefix("/") ? text : resolvedRoot + "/" + text
        let resolved = URL(fileURLWithPath: joined).standardizedFileURL.resolvingSymlinksInPath().path
        guard isInside(resolved, root: resolvedRoot) else {
            throw IndexBuildError(.pathEscapesRoot, reference, "resolves to \(resolved), outside the root \(resolvedRoot); refused")
        }
        return resolved
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IndexBuildError(.badInput, path, "cannot read the manifest")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw IndexBuildError(.badInput, path, "manifest is not UTF-8") }
        return text
    }

    static func jsonManifest(_ path: String, root: String) throws -> (entries: [BuildEntry], rejected: [BuildFailure]) {
        let text = try readText(path)
        var entries: [BuildEntry] = []
        var rejected: [BuildFailure] = []
        // Line by line, so one bad line is reported and the rest still build.
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let item: CatalogItem
            do {
                guard let parsed = try ItemManifest.items(jsonLines: trimmed, name: "\(path):\(number + 1)").first else { continue }
                item = parsed
            } catch {
                rejected.append(BuildFailure(input: "\(path):\(number + 1)", reason: "\(error)"))
                continue
            }
            do {
                let resolved = try confine(item.source, root: root)
                entries.append(BuildEntry(path: resolved, id: item.id, kind: item.kind, title: item.title,
                                          description: item.description, tags: item.tags))
            } catch {
                rejected.append(BuildFailure(input: "\(path):\(number + 1)", reason: "\(error)"))
            }
        }
        return (entries, rejected)
    }

    static func csvManifest(_ path: String, root: String) throws -> (entries: [BuildEntry], rejected: [BuildFailure]) {
        let rows = try CSVRows.parse(try readText(path), name: path)
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw IndexBuildError(.badInput, path, "the CSV manifest is empty")
        }
        guard let pathColumn = header.firstIndex(of: "path") ?? header.firstIndex(of: "source") else {
            throw IndexBuildError(.badInput, path, "the CSV header has no 'path' (or 'source') column")
        }
        func column(_ name: String, _ fields: [String]) -> String? {
            guard let i = header.firstIndex(of: name), i < fields.count else { return nil }
            let value = fields[i].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        var entries: [BuildEntry] = []
        var rejected: [BuildFailure] = []
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            let name = "\(path):\(row.line)"
            guard pathColumn < row.fields.count, !row.fields[pathColumn].isEmpty else {
                rejected.append(BuildFailure(input: name, reason: "no path in this row"))
                continue
            }
            var kind: ItemKind?
            if let text = column("kind", row.fields) {
                guard let parsed = ItemKind(rawValue: text.lowercased()) else {
                    rejected.append(BuildFailure(input: name, reason: "kind '\(text)' is not image or video"))
                    continue
                }
                kind = parsed
            }
            do {
                let resolved = try confine(row.fields[pathColumn], root: root)
                let tags = (column("tags", row.fields) ?? "").split(whereSeparator: { $0 == ";" || $0 == "|" })
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                entries.append(BuildEntry(path: resolved, id: column("id", row.fields), kind: kind,
                                          title: column("title", row.fields) ?? "",
                                          description: column("description", row.fields) ?? "", tags: tags))
            } catch {
                rejected.append(BuildFailure(input: name, reason: "\(error)"))
            }
        }
        return (entries, rejected)
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally double-quoted (`""` is a quote inside quotes),
/// records separated by LF or CRLF; quoted fields may span lines.
enum CSVRows {
    struct Row {
        var line: Int
        var fields: [String]
    }

    static func parse(_ text: String, name: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var iterator = Array(text.unicodeScalars)[...]
        while let c = iterator.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if iterator.first == "\"" { field.unicodeScalars.append("\""); iterator.removeFirst() } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r": continue
            case "\n":
                fields.append(field)
                rows.append(Row(line: rowLine, fields: fields))
                fields = []
                field = ""
                line += 1
                rowLine = line
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw IndexBuildError(.badInput, "\(name):\(rowLine)", "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(line: rowLine, fields: fields))
        }
        return rows
    }
}
