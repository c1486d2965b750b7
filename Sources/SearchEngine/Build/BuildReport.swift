import Foundation

/// An input that could not be indexed (or was indexed only in part), and why: `code` is the stable
/// reason code (see ``IngestReasonCode``), `reason` the explanation for people.
public struct BuildFailure: Sendable, Equatable, Codable {
    public var input: String
    public var reason: String
    public var code: IngestReasonCode

    /// A reason that starts by naming the input again (errors name their input) is shortened.
    public init(input: String, reason: String, code: IngestReasonCode) {
        self.input = input
        self.reason = reason.hasPrefix(input + ": ") ? String(reason.dropFirst(input.count + 2)) : reason
        self.code = code
    }
}

/// A snapshot of a running build, for progress bars and log lines.
public struct BuildProgress: Sendable, Equatable {
    /// Inputs in this build (files plus rejected manifest lines).
    public var total: Int
    /// Inputs dealt with so far: indexed, resumed, duplicates, skipped and failed.
    public var processed: Int
    /// Inputs embedded and written by this run.
    public var indexed: Int
    /// Inputs finished by an earlier, interrupted run of the same build (not embedded again).
    public var resumed: Int
    public var duplicates: Int
    /// Files that are neither an image nor a video.
    public var skipped: Int
    public var failed: Int
    /// Vectors written by this run (one per image, one per kept video frame).
    public var vectors: Int
    public var elapsedSeconds: Double

    /// Inputs per second dealt with by this run (resumed inputs excluded).
    public var itemsPerSecond: Double {
        elapsedSeconds > 0 ? Double(processed - resumed) / elapsedSeconds : 0
    }

    /// Seconds to go at the current rate, or nil before there is a rate.
    public var etaSeconds: Double? {
        let rate = itemsPerSecond
        return rate > 0 ? Double(total - processed) / rate : nil
    }
}

/// What a build (or an `add`) did; also written as `build-report.json`.
public struct BuildSummary: Sendable, Codable, Equatable {
    /// The version published (nil for `add`, which changes the serving version in place).
    public var version: UInt64?
    /// Items in the published catalog, by kind.
    public var items: Int
    public var images: Int
    public var videos: Int
    public var frames: Int
    /// Vectors in the visual index.
    public var vectors: Int
    /// Inputs embedded by this run; images and video frames embedded by this run.
    public var indexed: Int
    public var embeddedImages: Int
    public var embeddedFrames: Int
    public var resumed: Int
    public var duplicates: [BuildFailure]
    public var skipped: [BuildFailure]
    public var failures: [BuildFailure]
    /// Inputs indexed only in part, and why (a truncated video, a frame cap reached, a time limit).
    public var warnings: [BuildFailure]
    public var seconds: Double
    public var itemsPerSecond: Double
    /// Bytes of the published version (catalog and visual index).
    public var indexBytes: Int
    /// Items of the previously serving version that are not among this build's inputs (added by
    /// `vsearch add` or `POST /v1/items`, or left out of the input) copied into the new version with
    /// their stored vectors, not embedded again.
    public var carriedOver: Int
    /// With `--replace`: items of the previously serving version left out of the new one (nil without).
    public var dropped: Int?
    /// With `--shard K/N`: inputs skipped because their id belongs to another shard (nil without).
    public var otherShards: Int?

    public init(version: UInt64? = nil, items: Int = 0, images: Int = 0, videos: Int = 0, frames: Int = 0, vectors: Int = 0,
                indexed: Int = 0, embeddedImages: Int = 0, embeddedFrames: Int = 0, resumed: Int = 0,
                duplicates: [BuildFailure] = [], skipped: [BuildFailure] = [], failures: [BuildFailure] = [],
                warnings: [BuildFailure] = [], seconds: Double = 0, itemsPerSecond: Double = 0, indexBytes: Int = 0,
                carriedOver: Int = 0, dropped: Int? = nil) {
        self.version = version
        self.items = items
        self.images = images
        self.videos = videos
        self.frames = frames
        self.vectors = vectors
        self.indexed = indexed
        self.embeddedImages = embeddedImages
        self.embeddedFrames = embeddedFrames
        self.resumed = resumed
        self.duplicates = duplicates
        self.skipped = skipped
        self.failures = failures
        self.warnings = warnings
        self.seconds = seconds
        self.itemsPerSecond = itemsPerSecond
        self.indexBytes = indexBytes
        self.carriedOver = carriedOver
        self.dropped = dropped
    }

    /// Files the build could not use at all (refused, id conflicts, errors): not counting duplicates
    /// and files that are not media (`skipped`).
    public var failed: Int { failures.count }

    /// Files the summary lists under `duplicates`, `skipped` or `failures`, by their outcome.
    public mutating func record(_ record: IngestRecord) {
        guard let code = record.outcome.code, let reason = record.outcome.reason else {
            if case .resumed = record.outcome { resumed += 1 } else { indexed += 1 }
            return
        }
        let failure = BuildFailure(input: record.input, reason: reason, code: code)
        switch code {
        case .duplicate: duplicates.append(failure)
        case .unsupportedMedia, .emptyFile: skipped.append(failure)
        default: failures.append(failure)
        }
    }

    /// The summary as pretty JSON (the report file).
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
