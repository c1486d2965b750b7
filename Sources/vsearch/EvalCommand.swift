import ArgumentParser
import Embedding
import Foundation
import SearchEngine
import Tensor
import VectorIndex

/// `vsearch eval`: relevance metrics of labelled queries (`--queries`), the near-duplicate benchmark
/// (`--near-duplicates FOLDER`), or the ANN recall check (`--ann`). Parsing only; the work is in
/// `SearchEngine/Eval`.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure search quality: labelled queries, near-duplicate copies, or IVF recall against exact search.",
        discussion: """
            Modes:
              --index DIR --queries Q.jsonl      recall@k, precision@k, AP@k (mAP), RR (MRR), nDCG@k per query and overall
              --near-duplicates FOLDER [--index DIR]   rank-1 rate of edited copies (crop, resize, jpeg, brightness-contrast,
                                                 flip, rotate, text) finding their original; builds a temporary index without --index
              --ann --index DIR                  recall@k of the IVF index against exact search per nprobe, QPS, recommendation
            Query lines: {"id"?, "image"? (path), "text"?, "relevant": ["id", ...] | {"id": grade} | "labels": ["tag", ...]}.
            With --json every line is one JSON object; the last line is the summary ("summary": true).
            """)

    @Option(help: "Index directory (for --ann also a bare vector index made by vsearch vectors build).") var index: String?
    @Option(help: "Labelled queries (JSON Lines).") var queries: String?
    @Option(name: .customLong("near-duplicates"), help: "Folder of photos for the near-duplicate benchmark.") var nearDuplicates: String?
    @Flag(help: "ANN check: IVF recall@k against exact search over the same stored vectors.") var ann = false
    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Default: the index's (fp32 without an index).")) var precision: EncoderPrecision?
    @Option(help: "Metric cut-off k.") var k: Int = 10
    @Option(help: "IVF lists probed; --ann: a comma-separated list to measure (default 1,2,4,8,16,32,64).") var nprobe: String?
    @Flag(help: "Probe every list (exact search over the stored vectors with the flat encoding).") var exact = false
    @Option(help: "--ann: stored vectors used as queries.") var sample: Int = 1000
    @Option(name: .customLong("target-recall"), help: "--ann: recall@k the recommended nprobe must reach.") var targetRecall: Double = 0.95
    @Flag(help: "--ann: save the recommended nprobe as the index's default for searches.") var save = false
    @Option(help: "Worker threads (CNN, searches).") var threads: Int = 2
    @OptionGroup(title: "Fusion of labelled text queries")
    var fusion: FusionOptions

    @Flag(help: "One JSON object per line on stdout; the last line is the summary.") var json = false

    static let name = "eval"

    func validate() throws {
        let modes = [queries != nil, nearDuplicates != nil, ann].filter { $0 }.count
        guard modes == 1 else { throw TextCommandSupport.usage(Self.name, "choose one of --queries Q.jsonl, --near-duplicates FOLDER, --ann") }
        guard (1...1000).contains(k) else { throw TextCommandSupport.usage(Self.name, "--k must be 1…1000") }
        guard (1...64).contains(threads) else { throw TextCommandSupport.usage(Self.name, "--threads must be 1…64") }
        if queries != nil || ann, index == nil { throw TextCommandSupport.usage(Self.name, "--index DIR is required") }
        let probes: [Int]?
        do { probes = try nprobes() } catch { throw TextCommandSupport.usage(Self.name, "--nprobe must be positive integers (comma-separated with --ann)") }
        if !ann, (probes?.count ?? 0) > 1 { throw TextCommandSupport.usage(Self.name, "--nprobe takes one value outside --ann") }
        if ann {
            guard sample >= 1 else { throw TextCommandSupport.usage(Self.name, "--sample must be at least 1") }
            guard targetRecall > 0, targetRecall <= 1 else { throw TextCommandSupport.usage(Self.name, "--target-recall must be in (0, 1]") }
        } else if save {
            throw TextCommandSupport.usage(Self.name, "--save only applies to --ann")
        }
    }

    func nprobes() throws -> [Int]? {
        guard let nprobe else { return nil }
        let values = nprobe.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { throw ValidationError("bad --nprobe") }
        return values.map { $0! }
    }

    func run() throws {
        do {
            if ann { try runANN() } else if let folder = nearDuplicates { try runNearDuplicates(folder) } else { try runQueries() }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            TextCommandSupport.error(Self.name, "\(error)")
            throw ExitCode(1)
        }
    }

    private func loadImageEncoder() throws -> ImageEncoder {
        do { return try ImageEncoder(threads: threads, precision: precision ?? index.map { try VersionRecords.precision.serving(IndexDirectory(path: $0)) } ?? .fp32) } catch {
            TextCommandSupport.error(Self.name, "cannot load the image model: \(error)")
            throw ExitCode(1)
        }
    }

    // MARK: Labelled queries

    private func runQueries() throws {
        let list = try EvalQuery.load(path: queries!)
        let directory = IndexDirectory(path: index!)
        let snapshot = try IndexSnapshot(index: directory)
        let imageEncoder = list.contains { $0.image != nil } ? try loadImageEncoder() : nil
        let textEncoder = list.contains { $0.text != nil } ? try TextCommandSupport.loadTextEncoder(Self.name, model: nil) : nil
        let engine = QueryEngine(snapshot: snapshot, models: QueryModels(image: imageEncoder, text: textEncoder))
        let report = try RelevanceEvaluator(engine: engine)
            .run(list, options: RelevanceEvalOptions(k: k, nprobe: try nprobes()?.first, exhaustive: exact,
                                                      fusion: fusion.fusion))
        for failure in report.failures {
            TextCommandSupport.error(Self.name, "\(queries!):\(failure.query.line) (\(failure.query.id)): \(failure.reason)")
        }
        EvalOutput.printRelevance(report, json: json)
        if !report.failures.isEmpty { throw ExitCode(1) }
    }

    // MARK: Near duplicates

    private func runNearDuplicates(_ folder: String) throws {
        let photos = try FolderImages.list(folder)
        guard !photos.isEmpty else { throw EvalError(folder, "holds no PNG or JPEG photos") }
        let imageEncoder = try loadImageEncoder()
        let textEncoder = try TextCommandSupport.loadTextEncoder(Self.name, model: nil)
        var scratch: String?
        let directory: IndexDirectory
        if let index {
            directory = IndexDirectory(path: index)
        } else {
            scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vsearch-neardup-\(UUID().uuidString)").path
            directory = IndexDirectory(path: scratch!)
        }
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        if try directory.currentVersion() == nil {
            if !json { printToStandardError("vsearch eval: indexing \(photos.count) photos of \(folder) into \(directory.path)") }
            // Only the photos: videos or other files in the folder are not part of this benchmark.
            let entries = photos.map { BuildEntry(path: URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path) }
            _ = try IndexBuilder(index: directory, imageEncoder: imageEncoder, textEncoder: textEncoder,
                                 options: BuildOptions(threads: threads)).build(entries: entries, inputDescription: folder)
        }
        let engine = QueryEngine(snapshot: try IndexSnapshot(index: directory), models: QueryModels(image: imageEncoder))
        let report = try NearDuplicateCheck.run(photos: photos, engine: engine, encoder: imageEncoder, k: k, nprobe: try nprobes()?.first)
        for (photo, reason) in report.failures { TextCommandSupport.error(Self.name, "\(photo): \(reason)") }
        EvalOutput.printNearDuplicates(report, json: json)
        if !report.failures.isEmpty { throw ExitCode(1) }
    }

    // MARK: ANN check

    private func runANN() throws {
        let path = index!
        let isBareIVF = FileManager.default.fileExists(atPath: path + "/MANIFEST")
        let ivf = try isBareIVF ? IVFIndex.open(directory: path) : DriftCheck.visualIndex(IndexDirectory(path: path))
        let options = ANNCheckOptions(sample: sample, k: k, nprobes: try nprobes() ?? [1, 2, 4, 8, 16, 32, 64],
                                      targetRecall: targetRecall, threads: threads)
        let report = try ANNRecallCheck.run(ivf, options: options)
        var saved = false
        if save {
            guard !isBareIVF else { throw EvalError(path, "--save needs an index directory made by vsearch build (this is a bare vector index)") }
            guard let best = report.recommended else {
                throw EvalError(path, "no measured nprobe reaches recall \(targetRecall); nothing saved (try larger --nprobe values)")
            }
            try SearchDefaults(nprobe: best.nprobe, nlist: report.nlist, ivfVersion: ivf.version, measuredAt: UInt64(Date().timeIntervalSince1970),
                               targetRecall: targetRecall, measuredRecall: Float(best.recall), k: k).save(in: IndexDirectory(path: path))
            saved = true
        }
        EvalOutput.printANN(report, saved: saved, json: json)
    }
}
