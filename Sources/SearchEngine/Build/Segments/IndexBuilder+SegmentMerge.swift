import Embedding
import Foundation

/// What ``IndexBuilder/merge(_:progress:)`` did.
public struct SegmentMergeResult: Sendable {
    /// The shard's report (also its `build-report.json`); when ``alreadyMerged``, the report of the run
    /// that merged it.
    public var summary: BuildSummary
    /// The version holding the merge (published by this run, or found serving).
    public var version: UInt64?
    /// The serving version was already merged from exactly these segments (and this shard): nothing was done.
    public var alreadyMerged: Bool
}

extension IndexBuilder {
    /// The file a merged version records its segments and shard in (so a rerun finds it done).
    static let mergedFromFileName = "merged-from.txt"

    /// Stage 3 of a distributed build (`vsearch segment merge`): a new version of this index directory
    /// holding this build's shard (``BuildOptions/shard``; nil: every item) of the segments in `set`,
    /// with their stored vectors (``SegmentMergeStage``; no embedding) and the visual IVF built on
    /// ``BuildOptions/centroids`` when given — an ordinary index version, published atomically like any
    /// build's (the version holds the segments' items only, as with `--replace`). Resumable like a build;
    /// a rerun over the same segments whose merge is already serving does nothing.
    public func merge(_ set: SegmentSet, progress: @escaping (BuildProgress) -> Void = { _ in }) throws -> SegmentMergeResult {
        guard set.segments.isEmpty || set.precision == imageEncoder.precision else {
            throw IndexBuildError(.conflict, set.directory, "holds \(set.precision) vectors; the merge was set up for \(imageEncoder.precision) ones")
        }
        let description = "segments \(set.digest) shard \(options.shard.map(\.description) ?? "all")"
            + (options.centroids.map { " centroids \($0.count / ImageEncoder.embeddingDimension)" } ?? "")
        func merged() throws -> SegmentMergeResult? {
            guard let serving = try index.serving(),
                  (try? String(contentsOfFile: serving.directory + "/" + Self.mergedFromFileName, encoding: .utf8)) == description else { return nil }
            return SegmentMergeResult(summary: try SegmentSet.report(serving.directory), version: serving.version, alreadyMerged: true)
        }
        // Checked without the lock first (as searches read `CURRENT`): a rerun does not wait on a busy index.
        if FileManager.default.fileExists(atPath: index.currentFile), let done = try merged() { return done }
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        if let done = try merged() { return done }
        let staging = index.stagingDirectory
        let total = try set.segments.reduce(0) { $0 + (try SegmentSet.report($1.path).items) }
        try prepareStaging(staging, description: description, count: total)
        let tally = BuildTally(total: total, report: progress)
        try? FileManager.default.removeItem(atPath: staging + "/" + TextSearchIndex.vectorFolder)
        let writer = try stagingWriter(staging, interruptedBy: "merge")
        // The class embeddings the segments' concept vectors were made with, kept in the version like a
        // build's (later adds make theirs from the same); each segment stores the ones its writer used.
        if try ConceptSpace.read(from: staging) == nil {
            let stored = try set.segments.lazy.compactMap { try ConceptSpace.read(from: $0.path) }.first
            try (stored ?? ConceptSpace.shared(classNames: imageEncoder.classNames, textEncoder: textEncoder,
                                               threads: max(1, options.threads))).write(to: staging)
        }
        _ = try SegmentMergeStage(set: set, shard: options.shard, writer: writer, tally: tally).run()
        guard tally.progress.indexed + tally.progress.resumed > 0 else {
            return SegmentMergeResult(summary: try abandon(staging, tally: tally), version: nil, alreadyMerged: false)
        }
        try DurableFile.writeAtomically(Array(description.utf8), to: staging + "/" + Self.mergedFromFileName)
        var summary = tally.summary
        summary.dropped = 0
        summary = try commit(staging, spill: writer.spill, summary: summary, tally: tally)
        return SegmentMergeResult(summary: summary, version: summary.version, alreadyMerged: false)
    }
}
