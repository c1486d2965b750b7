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
/// Manifests: JSON Lines (`.jsonl`/`.ndjson`, see ``BuildManifestLine``: `path` or `source` is the path
/// or a `file://` URI) or CSV (`.csv`: a header row naming `path` (or `source`), and optionally `id`, `title`,
/// `description`, `tags` (separated by `;` or `|`), `kind`; RFC 4180 quoting).
///
/// Builds read their input as a ``BuildInputStream`` (one line or one directory listing at a time);
/// ``entries(input:root:)`` collects the same items into arrays for small inputs (`add`, tests).
public enum BuildInput {
    /// The entries of `input` (a folder or a manifest file), collected. `root` confines manifest paths
    /// (default: the manifest's folder). Malformed lines and paths escaping the root are returned as rejections.
    public static func entries(input: String, root: String? = nil) throws -> (entries: [BuildEntry], rejected: [BuildFailure]) {
        var entries: [BuildEntry] = []
        var rejected: [BuildFailure] = []
        try BuildInputStream(input: input, root: root).forEach { item in
            switch item {
            case .entry(let entry): entries.append(entry)
            case .rejected(let failure): rejected.append(failure)
            }
            return true
        }
        return (entries, rejected)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// Resolves a manifest path under `root`: relative paths are joined to the root; `file://` URIs and
    /// absolute paths are taken as they are; after resolving `..` and symlinks the result must be inside
    /// the root.
    public static func confine(_ reference: String, root: String) throws -> String {
        try confine(reference, root: root, resolvedRoot: nil)
    }

    /// `path` with `..` and symlinks resolved: `realpath(3)` for an existing path (one system call;
    /// manifests of millions of lines resolve each one), else Foundation's lexical standardisation.
    static func resolve(_ path: String) -> String {
        if let canonical = realpath(path, nil) {
            defer { free(canonical) }
            return String(cString: canonical)
        }
        return URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// As ``confine(_:root:)`` with the root already resolved (streams resolve it once).
    static func confine(_ reference: String, root: String, resolvedRoot: String?) throws -> String {
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
        let resolvedRoot = resolvedRoot ?? resolve(root)
        let joined = text.hasPrefix("/") ? text : resolvedRoot + "/" + text
        let resolved = resolve(joined)
        guard isInside(resolved, root: resolvedRoot) else {
            throw IndexBuildError(.pathEscapesRoot, reference, "resolves to \(resolved), outside the root \(resolvedRoot); refused")
        }
        return resolved
    }

    /// One JSON Lines manifest line (already trimmed, not empty) → an entry (see ``BuildManifestLine``);
    /// a thrown error's text is the rejection reason. (`root` already resolved.)
    static func jsonEntry(_ line: String, root: String) throws -> BuildEntry {
        let parsed = try BuildManifestLine.parse(line)
        let resolved = try confine(parsed.file, root: root, resolvedRoot: root)
        return BuildEntry(path: resolved, id: parsed.id, kind: parsed.kind, title: parsed.title ?? "",
                          description: parsed.description ?? "", tags: parsed.tags ?? [])
    }

    /// One CSV manifest record (after the header) → an entry; a thrown error's text is the rejection reason.
    /// (`root` already resolved.)
    static func csvEntry(_ fields: [String], header: [String], pathColumn: Int, root: String) throws -> BuildEntry {
        func column(_ name: String) -> String? {
            guard let i = header.firstIndex(of: name), i < fields.count else { return nil }
            let value = fields[i].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        guard pathColumn < fields.count, !fields[pathColumn].isEmpty else { throw RowRejection("no path in this row") }
        var kind: ItemKind?
        if let text = column("kind") {
            guard let parsed = ItemKind(rawValue: text.lowercased()) else { throw RowRejection("kind '\(text)' is not image or video") }
            kind = parsed
        }
        let resolved = try confine(fields[pathColumn], root: root, resolvedRoot: root)
        let tags = (column("tags") ?? "").split(whereSeparator: { $0 == ";" || $0 == "|" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return BuildEntry(path: resolved, id: column("id"), kind: kind, title: column("title") ?? "",
                          description: column("description") ?? "", tags: tags)
    }

    /// A CSV row refused for a reason of its own (its text is the whole reason).
    struct RowRejection: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// RFC 4180 CSV, fed one line at a time: fields separated by commas, optionally double-quoted (`""`
/// is a quote inside quotes); a quoted field may span lines (the record then ends on a later line).
/// A record may not exceed ``ManifestLineReader/maximumLineBytes`` in all.
struct CSVRecordReader {
    struct Record {
        var line: Int
        var fields: [String]
    }

    private var fields: [String] = []
    private var field = ""
    private var inQuotes = false
    private var recordLine = 0
    private var recordBytes = 0

    /// True while a quoted field is open (the record continues on the next line).
    var isInsideRecord: Bool { inQuotes }
    var openRecordLine: Int { recordLine }

    /// Feeds line `number` (without its newline); returns the record it completes, if any.
    mutating func feed(_ line: String, number: Int) throws -> Record? {
        if !inQuotes { recordLine = number; recordBytes = 0 }
        recordBytes += line.utf8.count + 1
        guard recordBytes <= ManifestLineReader.maximumLineBytes else {
            throw IndexBuildError(.badInput, "line \(recordLine)", "CSV record longer than \(ManifestLineReader.maximumLineBytes) bytes")
        }
        if inQuotes { field.unicodeScalars.append("\n") }
        var scalars = line.unicodeScalars[...]
        while let c = scalars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars.removeFirst() } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r": continue
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { return nil }
        fields.append(field)
        defer { fields = []; field = "" }
        return Record(line: recordLine, fields: fields)
    }
}
