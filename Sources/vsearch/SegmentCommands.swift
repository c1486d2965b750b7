import ArgumentParser
import Embedding
import Foundation
import SearchEngine
import VectorIndex
import VideoFrames

/// `vsearch segment count | write | train | merge`: the steps of a build spread over many machines
/// (`deploy/spark/build_index.py` runs them as Spark tasks; they work from a shell just as well). Each
/// prints one JSON object on stdout.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Distributed builds: embed manifest slices into segments, train shared centroids, merge a shard's index.",
        subcommands: [SegmentCountCommand.self, SegmentWriteCommand.self, SegmentTrainCommand.self, SegmentMergeCommand.self])

    /// The one-line JSON form of an encodable value.
    static func jsonLine(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// `--input MANIFEST [--root DIR]`: the manifest a distributed build reads (same format as `vsearch build`).
struct SegmentInputOptions: ParsableArguments {
    @Option(help: "A manifest (.jsonl/.ndjson or .csv) or a folder, as for vsearch build.") var input: String
    @Option(help: "Root folder manifest paths must stay inside (default: the manifest's folder).") var root: String?

    func stream(_ command: String) throws -> BuildInputStream {
        try TextCommandSupport.attempt(command) { try BuildInputStream(input: input, root: root) }
    }

    /// How segments name their input (the same on every machine that reads the same paths).
    var description: String {
        URL(fileURLWithPath: input).standardizedFileURL.path + (root.map { " root=" + URL(fileURLWithPath: $0).standardizedFileURL.path } ?? "")
    }
}

struct SegmentCountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "Count the input's items (entries and refused lines): the range segments are cut from.",
        discussion: "Prints {\"records\": N, \"entries\": E, \"rejected\": R}.")

    @OptionGroup var source: SegmentInputOptions

    func run() throws {
        let counted = try TextCommandSupport.attempt("segment count") { try source.stream("segment count").count() }
        struct Counts: Encodable { var records, entries, rejected: Int }
        print(SegmentCommand.jsonLine(Counts(records: counted.entries + counted.rejected, entries: counted.entries, rejected: counted.rejected)))
    }
}

struct SegmentWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Embed items [--from, --from + --count) of the input into one segment (resumable; published by rename).",
        discussion: """
            The segment (catalog, vectors, report, checksummed SEGMENT manifest; format in ARCHITECTURE.md) is built in
            .NAME.partial beside --output and renamed to --output when complete. A complete segment is verified and left
            alone; a partial one is resumed. Inputs that fail are listed in the segment's build-report.json (exit 0);
            exit 1 only when the segment could not be written. Prints {"segment", "alreadyComplete", "manifest", "summary"}.
            """)

    @OptionGroup var source: SegmentInputOptions
    @Option(help: "First item of the slice (items numbered from 0, refused lines included).") var from: Int
    @Option(help: "Items in the slice.") var count: Int
    @Option(help: "The segment directory to write (e.g. OUT/segments/seg-000003).") var output: String
    @OptionGroup var pipeline: EmbeddingPipelineOptions
    @Option(help: ArgumentHelp(PrecisionDefaults.help)) var precision: EncoderPrecision = PrecisionDefaults.forNewIndexes

    func validate() throws {
        guard from >= 0, count >= 1 else { throw TextCommandSupport.usage("segment write", "--from must be ≥ 0 and --count ≥ 1") }
    }

    func run() throws {
        let name = "segment write"
        let stream = try source.stream(name)
        let threadCount = pipeline.threads.count
        let imageEncoder = try TextCommandSupport.attempt(name) { try ImageEncoder(threads: threadCount, precision: precision) }
        let textEncoder = try TextCommandSupport.loadTextEncoder(name, model: nil, threads: 1)
        let writer = SegmentWriter(imageEncoder: imageEncoder, textEncoder: textEncoder, options: pipeline.buildOptions)
        let result = try TextCommandSupport.attempt(name) {
            try writer.write(input: stream, records: from..<(from + count), inputDescription: source.description, to: output)
        }
        struct Output: Encodable { var segment: String; var alreadyComplete: Bool; var manifest: SegmentManifest; var summary: BuildSummary }
        print(SegmentCommand.jsonLine(Output(segment: output, alreadyComplete: result.alreadyComplete, manifest: result.manifest, summary: result.summary)))
    }
}

struct SegmentTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the visual IVF's coarse centroids once on a sample of every segment's vectors.",
        discussion: "Writes DIR/centroids.fvecs and DIR/centroids.json (--output, default the segments' parent folder). Prints the record.")

    @Option(help: "The segments folder (OUT/segments).") var segments: String
    @Option(help: "Segments the input makes: fewer complete ones is an error.") var expect: Int?
    @Option(help: "Shards the index will have (the default list count is about 4·√(vectors per shard)).") var shards: Int = 1
    @Option(help: "IVF lists (default about 4·√(vectors / shards)).") var nlist: Int?
    @Option(help: "Folder for centroids.fvecs and centroids.json (default: the segments folder's parent).") var output: String?
    @OptionGroup var threads: WorkerThreadsOption

    func validate() throws {
        guard shards >= 1, (nlist ?? 1) >= 1 else { throw TextCommandSupport.usage("segment train", "--shards and --nlist must be at least 1") }
    }

    func run() throws {
        let name = "segment train"
        let record = try TextCommandSupport.attempt(name) {
            let set = try SegmentSet(directory: segments, expected: expect)
            let folder = output ?? URL(fileURLWithPath: segments).standardizedFileURL.deletingLastPathComponent().path
            return try SegmentTraining.train(set, shards: shards, nlist: nlist, threads: threads.count, to: folder)
        }
        print(SegmentCommand.jsonLine(record))
    }
}

struct SegmentMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Publish a new version of --index holding shard K/N of the segments' items (no re-embedding).",
        discussion: """
            Items go through the same admission rules as one build over the whole input (a duplicate or id conflict
            across segments is reported, as by vsearch build). The visual IVF uses the centroids of segment train
            (--centroids DIR) when given. Resumable; a rerun whose merge is already serving does nothing.
            Prints {"version", "alreadyMerged", "summary"}; DIR/build-report.json names every refused item.
            """)

    @Option(help: "The segments folder (OUT/segments).") var segments: String
    @Option(help: "Segments the input makes: fewer complete ones is an error.") var expect: Int?
    @Option(help: "Folder holding centroids.fvecs and centroids.json (segment train).") var centroids: String?
    @OptionGroup var location: IndexOption
    @Option(help: "Merge only shard K of N: items whose id has xxh64(id) mod N = K.") var shard: String?
    @OptionGroup var vectorEncoding: IndexEncodingOptions
    @Option(help: "Published versions kept for rollback.") var keepVersions: Int = 3
    @OptionGroup var threads: WorkerThreadsOption

    func validate() throws {
        if let shard {
            do { _ = try ShardSelection(parsing: shard) } catch { throw TextCommandSupport.usage("segment merge", "\(error)") }
        }
        guard keepVersions >= 1 else { throw TextCommandSupport.usage("segment merge", "--keep-versions must be at least 1") }
    }

    func run() throws {
        let name = "segment merge"
        let threadCount = threads.count
        let set = try TextCommandSupport.attempt(name) { try SegmentSet(directory: segments, expected: expect, wholeSpills: false) }
        var options = BuildOptions(threads: threadCount, encoding: vectorEncoding.kind, keepVersions: keepVersions,
                                   replace: true, pqSubquantizers: vectorEncoding.pqM)
        options.pqRotation = vectorEncoding.opq
        options.shard = try shard.map(ShardSelection.init(parsing:))
        if let centroids {
            options.centroids = try TextCommandSupport.attempt(name) { try SegmentTraining.load(centroids, for: set).centroids }
        }
        let imageEncoder = try TextCommandSupport.attempt(name) { try ImageEncoder(threads: 1, precision: set.precision) }
        let textEncoder = try TextCommandSupport.loadTextEncoder(name, model: nil, threads: 1)
        let builder = IndexBuilder(index: location.directory, imageEncoder: imageEncoder, textEncoder: textEncoder, options: options)
        let result = try TextCommandSupport.attempt(name) { try builder.merge(set) }
        struct Output: Encodable { var version: UInt64?; var alreadyMerged: Bool; var summary: BuildSummary }
        print(SegmentCommand.jsonLine(Output(version: result.version, alreadyMerged: result.alreadyMerged, summary: result.summary)))
        if result.version == nil {
            TextCommandSupport.error(name, "no item of this shard could be merged; no version published; report: \(location.index)/\(IndexDirectory.reportFileName)")
            throw ExitCode(1)
        }
    }
}
