import Embedding
import Foundation
import VectorIndex

/// What ``SegmentWriter/write(input:records:inputDescription:to:progress:)`` did.
public struct SegmentWriteResult: Sendable {
    public var manifest: SegmentManifest
    /// The slice's outcomes (every input of the slice; `indexed` counts what this run embedded).
    public var summary: BuildSummary
    /// The segment was complete already (an earlier run wrote it): nothing was read or embedded.
    public var alreadyComplete: Bool
}

/// Stage 1 of a distributed build (`vsearch segment write`): one slice of a manifest through the build
/// pipeline (read → decode → admit → embed → stage, exactly as `vsearch build` runs it), sealed as a
/// segment (``SegmentManifest``) instead of committed as an index version.
///
/// Idempotent and resumable: a complete segment is verified and left alone; a partial one (a killed
/// task) is resumed by the next attempt, which embeds only what the killed one had not checkpointed.
public struct SegmentWriter {
    public let imageEncoder: ImageEncoder
    public let textEncoder: TextEncoder
    public let options: BuildOptions

    public init(imageEncoder: ImageEncoder, textEncoder: TextEncoder, options: BuildOptions = BuildOptions()) {
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        self.options = options
    }

    /// Writes items `records` of `input` (numbered from 0 over every item the input yields) as the
    /// segment `directory` (for example `OUT/segments/seg-000003`). `inputDescription` names the input
    /// (manifest and root); a complete segment of another input or slice at `directory` is a `.conflict`.
    public func write(input: BuildInputStream, records: Range<Int>, inputDescription: String, to directory: String,
                      progress: @escaping (BuildProgress) -> Void = { _ in }) throws -> SegmentWriteResult {
        if let done = try complete(directory, inputDescription: inputDescription, records: records) { return done }
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let partial = IndexDirectory(path: parent + "/." + url.lastPathComponent + ".partial")
        let lock = try partial.lock()
        defer { withExtendedLifetime(lock) {} }
        // Another attempt of the same task may have finished while this one waited for the lock.
        if let done = try complete(directory, inputDescription: inputDescription, records: records) { return done }

        let builder = IndexBuilder(index: partial, imageEncoder: imageEncoder, textEncoder: textEncoder, options: options)
        builder.conceptSpace = try sharedConceptSpace(in: parent)
        let description = "segment of \(inputDescription) records \(records.lowerBound)..<\(records.upperBound)"
        let summary = try builder.stageSegment(input.slice(records), description: description, progress: progress)

        // Seal: the report, every file's checksum, then SEGMENT; one rename publishes the directory.
        let staging = partial.stagingDirectory
        try DurableFile.writeAtomically([UInt8](summary.jsonData()), to: staging + "/" + IndexDirectory.reportFileName)
        if FileManager.default.fileExists(atPath: staging + "/" + TextSearchIndex.catalogFileName + "-wal") {
            throw IndexBuildError(.io, staging + "/" + TextSearchIndex.catalogFileName + "-wal",
                                  "the catalog's write-ahead log was not checkpointed when it closed; the segment is not sealed")
        }
        var idBytes: [UInt8] = []
        idBytes.reserveCapacity(summary.vectors * 8)
        for id in try SpilledVectors(path: staging + "/" + IndexBuilder.spillFileName, dimension: ImageEncoder.embeddingDimension,
                                     count: summary.vectors).ids {
            withUnsafeBytes(of: id.littleEndian) { idBytes += $0 }
        }
        try DurableFile.writeAtomically(idBytes, to: staging + "/" + SegmentManifest.vectorIDsFileName)
        var files: [String: SegmentManifest.FileSum] = [:]
        for name in SegmentManifest.fileNames { files[name] = try SegmentManifest.sum(staging + "/" + name) }
        let manifest = SegmentManifest(
            format: SegmentManifest.formatName, formatVersion: SegmentManifest.currentFormatVersion, input: inputDescription,
            records: [records.lowerBound, records.upperBound], precision: imageEncoder.precision,
            dimension: ImageEncoder.embeddingDimension, items: summary.items, vectors: summary.vectors, files: files)
        try DurableFile.writeAtomically(manifest.jsonBytes(), to: staging + "/" + SegmentManifest.fileName)
        try DurableFile.syncDirectory(staging)
        CrashPoint.reach("segment.sealed")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try DurableFile.move(staging, to: url.path)
        try? FileManager.default.removeItem(atPath: partial.path)
        return SegmentWriteResult(manifest: manifest, summary: summary, alreadyComplete: false)
    }

    /// The class embeddings every segment of this output uses, `concepts.bin` beside the segments: made by
    /// the first task that needs them (1,000 MiniLM passes: several seconds of a one-core task, which every
    /// task paid before) and read by every later one. First tasks running at once each write the same bytes
    /// (an atomic replace); a damaged file is made again.
    private func sharedConceptSpace(in folder: String) throws -> ConceptSpace {
        if let stored = try? ConceptSpace.read(from: folder) { return stored }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let made = ConceptSpace.shared(classNames: imageEncoder.classNames, textEncoder: textEncoder, threads: max(1, options.threads))
        try made.write(to: folder)
        return made
    }

    /// The complete segment at `directory` (verified), or nil if there is none.
    private func complete(_ directory: String, inputDescription: String, records: Range<Int>) throws -> SegmentWriteResult? {
        guard FileManager.default.fileExists(atPath: directory + "/" + SegmentManifest.fileName) else { return nil }
        let manifest = try SegmentManifest.verify(directory)
        guard manifest.input == inputDescription, manifest.records == [records.lowerBound, records.upperBound] else {
            throw IndexBuildError(.conflict, directory, "holds records \(manifest.records) of \(manifest.input), not \(records.lowerBound)..<\(records.upperBound) of \(inputDescription)")
        }
        guard manifest.precision == imageEncoder.precision else {
            throw IndexBuildError(.conflict, directory, "holds \(manifest.precision) vectors; this run makes \(imageEncoder.precision) ones")
        }
        let summary = try SegmentSet.report(directory)
        return SegmentWriteResult(manifest: manifest, summary: summary, alreadyComplete: true)
    }
}

extension IndexBuilder {
    /// The pipeline's stages 1–2 over `stream` into this index's staging directory (resuming what an
    /// earlier attempt staged), with every catalog and spill handle closed on return.
    func stageSegment(_ stream: BuildInputStream, description: String, progress: @escaping (BuildProgress) -> Void) throws -> BuildSummary {
        let staging = index.stagingDirectory
        let counted = try stream.count()
        try prepareStaging(staging, description: description, count: counted.entries)
        let tally = BuildTally(total: counted.entries + counted.rejected, report: progress)
        var vectors = 0
        do {
            let writer = try stagingWriter(staging, interruptedBy: "task")
            try ingest(stream, writer: writer, tally: tally)
            vectors = writer.spill.count
        }
        var summary = tally.summary
        let counts = try Self.counts(versionDirectory: staging)
        summary.items = counts.items
        summary.images = counts.images
        summary.videos = counts.videos
        summary.frames = counts.frames
        summary.vectors = vectors
        summary.seconds = tally.elapsedSeconds
        summary.itemsPerSecond = summary.seconds > 0 ? Double(tally.progress.processed - tally.progress.resumed) / summary.seconds : 0
        return summary
    }
}
