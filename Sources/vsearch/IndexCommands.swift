import ArgumentParser
import Embedding
import Foundation
import SearchEngine

/// `vsearch add --index DIR FILE|MANIFEST...`: adds files (or a manifest's entries) to the serving
/// version; durable on return, visible to searches without a rebuild.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add images, videos or a manifest's entries to the serving index version.")

    @OptionGroup var location: IndexOption
    @Option(help: "Root folder manifest paths must stay inside (default: the manifest's folder).") var root: String?
    @Argument(help: "Image or video files, folders, or manifests (.jsonl/.ndjson/.csv).") var inputs: [String]
    @OptionGroup var threads: WorkerThreadsOption
    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Default: the index's; another is refused.")) var precision: EncoderPrecision?
    @Flag(help: "Print the summary as one JSON object.") var json = false

    func run() throws {
        var entries: [BuildEntry] = []
        var failures: [BuildFailure] = []
        for input in inputs {
            let lower = input.lowercased()
            if [".jsonl", ".ndjson", ".csv"].contains(where: lower.hasSuffix) || FileManager.default.isDirectory(input) {
                do {
                    let listed = try BuildInput.entries(input: input, root: root)
                    entries += listed.entries
                    failures += listed.rejected
                } catch {
                    failures.append(BuildFailure(input: input, reason: "\(error)", code: .badManifestLine))
                }
            } else if FileManager.default.fileExists(atPath: input) {
                entries.append(BuildEntry(path: URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path))
            } else {
                failures.append(BuildFailure(input: input, reason: "no such file", code: .notFound))
            }
        }
        let threadCount = threads.count
        var summary: BuildSummary = try TextCommandSupport.attempt("add") {
            let directory = location.directory
            let precision = try precision ?? VersionRecords.precision.serving(directory)
            return try IndexMaintenance.add(entries, to: directory, imageEncoder: try ImageEncoder(threads: threadCount, precision: precision),
                                            textEncoder: try TextCommandSupport.loadTextEncoder("add", model: nil),
                                            options: BuildOptions(threads: threadCount))
        }
        summary.failures = failures + summary.failures
        let allFailures = summary.failures
        IngestFailureOutput.print("add", allFailures, fullList: "the --json summary")
        for d in summary.duplicates { TextCommandSupport.error("add", "\(d.input): skipped, \(d.reason)") }
        for s in summary.skipped { TextCommandSupport.error("add", "\(s.input): skipped, \(s.reason)") }
        for w in summary.warnings { TextCommandSupport.error("add", "\(w.input): indexed in part, \(w.reason)") }
        if json {
            print(String(decoding: BuildCommand.compactJSON(summary), as: UTF8.self))
        } else {
            print("added \(summary.indexed) items (\(summary.embeddedImages) images, \(summary.embeddedFrames) frames); index now \(summary.items) items, \(summary.vectors) vectors")
        }
        if !allFailures.isEmpty { throw ExitCode(1) }
    }
}

/// `vsearch remove --index DIR --id ID`.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove an item (and its vectors and frames) from the serving index version.")

    @OptionGroup var location: IndexOption
    @Option(help: "Item id (as printed by search).") var id: [String]

    func run() throws {
        var failed = false
        for id in id {
            do {
                // No model: removing embeds nothing.
                if try IndexMaintenance.remove(id: id, from: location.directory) {
                    print("removed \(id)")
                } else {
                    TextCommandSupport.error("remove", "\(id): no such item in \(location.index)")
                    failed = true
                }
            } catch {
                TextCommandSupport.error("remove", "\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// `vsearch info --index DIR [--json]`.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Counts, serving version, IVF lists, encoding and models of an index.")

    @OptionGroup var location: IndexOption
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        let info = try TextCommandSupport.attempt("info") { try IndexInfo.read(location.directory) }  // no model is loaded
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(info), as: UTF8.self))
        } else {
            print("""
                index \(info.path): version \(info.version.map(String.init) ?? "-") (versions on disk: \(info.versions.map(String.init).joined(separator: ", ")))
                items \(info.items) (images \(info.images), videos \(info.videos)), frames \(info.frames), vectors \(info.vectors), text vectors \(info.textVectors)
                visual index: nlist \(info.nlist.map(String.init) ?? "-"), encoding \(info.encoding ?? "-"), default nprobe \(info.defaultNprobe)\(info.defaultNprobeSaved ? " (saved)" : ""); models: \(info.imageModel), \(info.textModel); \(String(format: "%.1f", Double(info.bytes) / 1e6)) MB
                """ + (info.encodingRule.map { "\nencoding: \(info.encoding ?? "-"); \($0)" } ?? ""))
        }
    }
}

/// `vsearch versions --index DIR`.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "versions", abstract: "List the published versions of an index.")

    @OptionGroup var location: IndexOption

    func run() throws {
        let directory = location.directory
        try TextCommandSupport.attempt("versions") {
            let current = try directory.currentVersion()
            for version in try directory.versions() {
                let mark = version == current ? "*" : " "
                print("\(mark) \(version)  \(directory.versionDirectory(version))")
            }
        }
    }
}

/// `vsearch rollback --index DIR [--to N]`.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Make an earlier version serve again (default: the one before the serving one).")

    @OptionGroup var location: IndexOption
    @Option(help: "Version to serve.") var to: UInt64?

    func run() throws {
        let version = try TextCommandSupport.attempt("rollback") { try IndexMaintenance.rollback(location.directory, to: to) }
        print("serving version \(version)")
    }
}

extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
