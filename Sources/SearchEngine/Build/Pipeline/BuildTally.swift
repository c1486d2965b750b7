/// What a build run has done so far: the progress shown while it runs and the outcome lists of its
/// summary. Every input is recorded exactly once, when its outcome is known.
final class BuildTally {
    private(set) var progress: BuildProgress
    private(set) var summary = BuildSummary()
    private let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    private let report: (BuildProgress) -> Void

    init(total: Int, report: @escaping (BuildProgress) -> Void) {
        progress = BuildProgress(total: total, processed: 0, indexed: 0, resumed: 0, duplicates: 0, skipped: 0, failed: 0,
                                 vectors: 0, elapsedSeconds: 0)
        start = clock.now
        self.report = report
    }

    var elapsedSeconds: Double { (clock.now - start).seconds }

    /// One input settled.
    func record(_ record: IngestRecord) {
        progress.processed += 1
        switch record.outcome {
        case .indexed: progress.indexed += 1
        case .resumed: progress.resumed += 1
        case .duplicate: progress.duplicates += 1
        case .rejected(.unsupportedMedia, _), .rejected(.emptyFile, _): progress.skipped += 1
        case .idConflict, .rejected, .failed: progress.failed += 1
        }
        summary.record(record)
    }

    /// One input skipped because its id belongs to another shard (`--shard K/N`).
    func otherShard() {
        progress.processed += 1
        summary.otherShards = (summary.otherShards ?? 0) + 1
    }

    /// Vectors embedded by this run.
    func embedded(images: Int = 0, frames: Int = 0) {
        summary.embeddedImages += images
        summary.embeddedFrames += frames
        progress.vectors += images + frames
    }

    /// An input indexed only in part.
    func warn(_ input: String, _ reasons: [String]) {
        guard !reasons.isEmpty else { return }
        summary.warnings.append(BuildFailure(input: input, reason: reasons.joined(separator: "; "), code: .indexedInPart))
    }

    /// Reports the progress so far.
    func tick() {
        progress.elapsedSeconds = elapsedSeconds
        report(progress)
    }
}
