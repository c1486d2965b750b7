import ArgumentParser
import Embedding
import Foundation
import SearchEngine
import Tensor
import VectorIndex
import VideoFrames

/// `vsearch build --input DIR|MANIFEST --index DIR [--replace] [--from-index]`: embeds a folder or
/// manifest of images and videos into a new index version (resumable; published atomically), carrying
/// over the serving version's other items (added by `add` / `POST /v1/items`) unless `--replace`.
/// `--from-index` embeds everything the serving version holds again (a model change); `--refresh`
/// instead retrains and compacts the serving version's visual index.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a new index version from a folder or a manifest (JSONL/CSV) of images and videos.",
        discussion: """
            Files are recognised by content. Manifest paths are resolved under --root (default: the manifest's
            folder); paths leaving it are refused. A killed build resumes when the same command runs again.
            At the end a summary is printed (with --json: one JSON object) and written to DIR/build-report.json,
            also when nothing could be indexed (then no version is published and the exit status is 1).
            Items of the serving version whose id is not among the inputs (added with `vsearch add` or
            POST /v1/items) are carried over with their stored vectors; --replace drops them instead.
            --from-index embeds every item of the serving version again from its file (after a model change).
            --refresh retrains the IVF coarse quantizer of the serving version and compacts it.
            """)

    @Option(help: "A folder (recursive) or a manifest (.jsonl/.ndjson or .csv).") var input: String?
    @OptionGroup var location: IndexOption
    @Option(help: "Root folder manifest paths must stay inside (default: the manifest's folder).") var root: String?
    @OptionGroup var pipeline: EmbeddingPipelineOptions
    @Option(help: "IVF lists (default about 4·√vectors).") var nlist: Int?
    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Recorded in the index; add, search and serve follow it."))
    var precision: EncoderPrecision = PrecisionDefaults.forNewIndexes
    @Option(help: "Regions of each image embedded besides the whole image, so a crop of a photo finds it: none, or grid (the centre and four corner windows of 3/4 size: 5 more CNN passes per image). Recorded in the index; add and uploads follow it.")
    var regions: RegionLayout = .none
    @OptionGroup var vectorEncoding: IndexEncodingOptions
    @Option(help: "Published versions kept for rollback.") var keepVersions: Int = 3
    @Option(help: "Build only shard K of N (K from 0): inputs whose id, xxh64(id) mod N, is K (ids from the manifest, else the content hash).") var shard: String?
    @Flag(help: "Discard an unfinished build of other inputs.") var restart = false
    @Flag(help: "The new version holds this build's inputs only: items added since to the serving version are dropped (and counted).") var replace = false
    @Flag(help: "Embed every item of the serving version again from its file (after a model change); needs no --input.") var fromIndex = false
    @Flag(help: "Retrain and compact the serving version's visual index instead of building.") var refresh = false
    @Flag(help: "No progress output.") var quiet = false
    @Flag(help: "Print the summary as one JSON object on stdout.") var json = false
    @Option(help: .hidden) var stopAfter: Int?

    private var name: String { "build" }

    func validate() throws {
        guard refresh || fromIndex || input != nil else { throw TextCommandSupport.usage(name, "--input is required (or --from-index or --refresh)") }
        guard !(fromIndex && replace) else { throw TextCommandSupport.usage(name, "--from-index keeps exactly the serving version's items: --replace does not apply") }
        if let shard {
            do { _ = try ShardSelection(parsing: shard) } catch { throw TextCommandSupport.usage(name, "\(error)") }
        }
        guard keepVersions >= 1 else { throw TextCommandSupport.usage(name, "--keep-versions must be at least 1") }
    }

    func run() throws {
        let directory = location.directory
        let threadCount = pipeline.threads.count
        if refresh {
            let report = try TextCommandSupport.attempt(name) {
                try IndexMaintenance.refresh(directory, nlist: nlist, threads: threadCount, encoding: vectorEncoding.kind,
                                             pqSubquantizers: vectorEncoding.pqM, pqRotation: vectorEncoding.opq ? true : nil)
            }
            print(json ? report.jsonLine : report.text)
            return
        }
        if fromIndex && input != nil {
            TextCommandSupport.error(name, "--from-index builds from the serving version's items; --input \(input!) is ignored")
        }
        var listed: BuildInputStream?
        if let input, !fromIndex {
            listed = try TextCommandSupport.attempt(name) { try BuildInputStream(input: input, root: root) }
        }
        let imageEncoder = try TextCommandSupport.attempt(name) { try ImageEncoder(threads: threadCount, precision: precision) }
        // MiniLM runs on small batches between CNN batches, on one thread (beside the image encoder's).
        let textEncoder = try TextCommandSupport.loadTextEncoder(name, model: nil, threads: 1)
        var options = pipeline.buildOptions
        options.nlist = nlist
        options.encoding = vectorEncoding.kind
        options.pqRotation = vectorEncoding.opq
        options.keepVersions = keepVersions
        options.restart = restart
        options.replace = replace
        options.stopAfterItems = stopAfter
        options.pqSubquantizers = vectorEncoding.pqM
        options.shard = try shard.map(ShardSelection.init(parsing:))
        options.regions = regions
        let builder = IndexBuilder(index: directory, imageEncoder: imageEncoder, textEncoder: textEncoder, options: options)
        let renderer = BuildProgressRenderer(quiet: quiet || json)
        let summary: BuildSummary
        do {
            if let listed, let input, !fromIndex {
                let description = URL(fileURLWithPath: input).standardizedFileURL.path
                    + (root.map { " root=" + URL(fileURLWithPath: $0).standardizedFileURL.path } ?? "")
                    + (options.shard.map { " shard=\($0)" } ?? "")
                summary = try builder.build(input: listed, inputDescription: description, progress: renderer.update)
            } else {
                summary = try builder.rebuildServingVersion(progress: renderer.update)
            }
            renderer.finish()
        } catch {
            renderer.finish()
            TextCommandSupport.error(name, "\(error)")
            throw ExitCode(1)
        }
        let report = location.index + "/" + IndexDirectory.reportFileName
        IngestFailureOutput.print(name, summary.failures, fullList: report)
        if summary.version == nil {
            TextCommandSupport.error(name, "nothing could be indexed (\(summary.failures.count) failed, \(summary.skipped.count) skipped, \(summary.duplicates.count) duplicates); no version published; report: \(report)")
        }
        if json {
            print(String(decoding: Self.compactJSON(summary), as: UTF8.self))
        } else if !quiet {
            print(Self.text(summary, index: location.index))
        }
        if !summary.failures.isEmpty || summary.version == nil { throw ExitCode(1) }
    }

    static func compactJSON(_ summary: BuildSummary) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(summary)) ?? Data("{}".utf8)
    }

    static func text(_ s: BuildSummary, index: String) -> String {
        var lines = [
            "published version \(s.version.map(String.init) ?? "-") in \(index): \(s.items) items (\(s.images) images, \(s.videos) videos, \(s.frames) frames), \(s.vectors) vectors",
            "this run: \(s.indexed) indexed (\(s.embeddedImages) images + \(s.embeddedFrames) frames embedded), \(s.resumed) resumed, \(s.duplicates.count) duplicates, \(s.skipped.count) skipped, \(s.failures.count) failed",
            "carried over from the serving version: \(s.carriedOver) items" + (s.dropped.map { "; dropped (--replace): \($0) items" } ?? "")
                + (s.otherShards.map { "; other shards (--shard): \($0) inputs" } ?? ""),
            String(format: "%.1f s, %.1f items/s, index %.1f MB; report: %@/%@", s.seconds, s.itemsPerSecond,
                   Double(s.indexBytes) / 1e6, index, IndexDirectory.reportFileName),
        ]
        for d in s.duplicates { lines.append("  duplicate: \(d.input): \(d.reason)") }
        for d in s.skipped { lines.append("  skipped: \(d.input): \(d.reason)") }
        for d in s.warnings { lines.append("  indexed in part: \(d.input): \(d.reason)") }
        return lines.joined(separator: "\n")
    }
}
