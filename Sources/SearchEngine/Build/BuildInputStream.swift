import Foundation

/// One item of a build's input: an entry to index, or an input refused before indexing (a malformed
/// manifest line, a path escaping the root, a symlink out of the folder).
public enum BuildInputItem: Sendable, Equatable {
    case entry(BuildEntry)
    case rejected(BuildFailure)
}

/// A build's input read incrementally, in a fixed order: a folder walked one directory listing at a
/// time (``FolderWalk``), or a manifest read one line at a time (``ManifestLineReader``), or a list
/// already in memory. Memory does not grow with the number of items (a 1M-line manifest is never held
/// whole), so a build's footprint stays flat however large its input.
///
/// Each pass re-reads the input: ``count()`` is one pass (for the progress total and the resume
/// marker), ``forEach(_:)`` another.
public struct BuildInputStream: Sendable {
    enum Source: Sendable {
        case folder(String)
        case jsonLines(path: String, root: String)
        case csv(path: String, root: String)
        case list([BuildEntry], rejected: [BuildFailure])
    }

    let source: Source
    /// Only these items (numbered from 0 over every item the whole input yields, entries and
    /// rejections alike) are passed on: a slice of a manifest, as one task of a distributed build reads it.
    public private(set) var records: Range<Int>?

    /// `input` is a folder or a manifest (`.csv`, else JSON Lines); `root` confines manifest paths
    /// (default: the manifest's folder). Throws if `input` does not exist.
    public init(input: String, root: String? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw IndexBuildError(.badInput, input, "no such file or folder")
        }
        if isDirectory.boolValue {
            source = .folder(input)
            return
        }
        let manifestRoot = BuildInput.resolve(root ?? (BuildInput.absolute(input) as NSString).deletingLastPathComponent)
        source = input.lowercased().hasSuffix(".csv") ? .csv(path: input, root: manifestRoot) : .jsonLines(path: input, root: manifestRoot)
    }

    /// Entries already listed (and inputs already refused, reported first).
    public init(entries: [BuildEntry], rejected: [BuildFailure] = []) {
        source = .list(entries, rejected: rejected)
    }

    /// Entries and rejections the stream yields, from one pass over the input.
    public func count() throws -> (entries: Int, rejected: Int) {
        var entries = 0, rejected = 0
        try forEach { item in
            if case .entry = item { entries += 1 } else { rejected += 1 }
            return true
        }
        return (entries, rejected)
    }

    /// The same input cut to items `range` (numbered from 0 over every item the whole input yields).
    public func slice(_ range: Range<Int>) -> BuildInputStream {
        var sliced = self
        let lower = (records?.lowerBound ?? 0) + range.lowerBound
        let upper = min(records?.upperBound ?? Int.max, (records?.lowerBound ?? 0) + range.upperBound)
        sliced.records = lower..<max(lower, upper)
        return sliced
    }

    /// Calls `body` for every item in order (of the slice, if one was cut) until it returns false.
    public func forEach(_ body: (BuildInputItem) throws -> Bool) throws {
        guard let records else { return try forEachItem(body) }
        guard !records.isEmpty else { return }
        var number = 0
        try forEachItem { item in
            defer { number += 1 }
            if number < records.lowerBound { return true }
            return try body(item) && number + 1 < records.upperBound
        }
    }

    private func forEachItem(_ body: (BuildInputItem) throws -> Bool) throws {
        switch source {
        case .list(let entries, let rejected):
            for failure in rejected where try !body(.rejected(failure)) { return }
            for entry in entries where try !body(.entry(entry)) { return }
        case .folder(let directory):
            try FolderWalk(directory).forEach { found in
                switch found {
                case .file(let path): try body(.entry(BuildEntry(path: path)))
                case .rejected(let failure): try body(.rejected(failure))
                }
            }
        case .jsonLines(let path, let root):
            var reader = try ManifestLineReader(path: path)
            defer { reader.close() }
            while let line = try reader.next() {
                let item: BuildInputItem
                switch line {
                case .bad(let number, let reason):
                    item = .rejected(BuildFailure(input: "\(path):\(number)", reason: reason, code: .badManifestLine))
                case .text(let number, let text):
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.isEmpty { continue }
                    do {
                        item = .entry(try BuildInput.jsonEntry(trimmed, root: root))
                    } catch {
                        item = .rejected(BuildFailure(input: "\(path):\(number)", reason: "\(error)", code: IngestReasonCode(manifestError: error)))
                    }
                }
                if try !body(item) { return }
            }
        case .csv(let path, let root):
            var reader = try ManifestLineReader(path: path)
            defer { reader.close() }
            var records = CSVRecordReader()
            var header: [String]?
            var pathColumn = 0
            while let line = try reader.next() {
                guard case let .text(number, text) = line else {
                    if case let .bad(number, reason) = line {
                        if try !body(.rejected(BuildFailure(input: "\(path):\(number)", reason: reason, code: .badManifestLine))) { return }
                    }
                    continue
                }
                guard let record = try records.feed(text, number: number) else { continue }
                guard let columns = header else {
                    let names = record.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    guard let column = names.firstIndex(of: "path") ?? names.firstIndex(of: "source") else {
                        throw IndexBuildError(.badInput, path, "the CSV header has no 'path' (or 'source') column")
                    }
                    header = names
                    pathColumn = column
                    continue
                }
                if record.fields.count == 1 && record.fields[0].isEmpty { continue }
                let name = "\(path):\(record.line)"
                let item: BuildInputItem
                do {
                    item = .entry(try BuildInput.csvEntry(record.fields, header: columns, pathColumn: pathColumn, root: root))
                } catch {
                    item = .rejected(BuildFailure(input: name, reason: "\(error)", code: IngestReasonCode(manifestError: error)))
                }
                if try !body(item) { return }
            }
            if records.isInsideRecord {
                throw IndexBuildError(.badInput, "\(path):\(records.openRecordLine)", "unterminated quoted field")
            }
            if header == nil { throw IndexBuildError(.badInput, path, "the CSV manifest is empty") }
        }
    }
}

extension IngestReasonCode {
    /// The code of a manifest line refused while reading it: a path leaving the root, else a bad line.
    init(manifestError error: any Error) {
        if let error = error as? IndexBuildError, error.kind == .pathEscapesRoot { self = .pathEscapesRoot } else { self = .badManifestLine }
    }
}
