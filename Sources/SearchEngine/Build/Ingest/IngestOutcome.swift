/// The stable, machine-readable reason an input was not indexed. The raw value is the code that
/// build reports, `--json` summaries and HTTP error bodies carry: clients branch on it, so a code
/// never changes meaning.
public enum IngestReasonCode: String, Sendable, Codable, CaseIterable {
    /// The same content is already indexed (under another id or source).
    case duplicate
    /// The id is already used by an item with other content.
    case idConflict = "id_conflict"
    /// The file named by the input does not exist.
    case notFound = "not_found"
    /// The file exists but cannot be read.
    case unreadable
    /// Neither an image nor a video the service decodes (text, PDF, GIF…).
    case unsupportedMedia = "unsupported_media"
    /// The file is empty.
    case emptyFile = "empty_file"
    /// Looks like an image or a video but cannot be decoded (corrupt, truncated, no decodable frame).
    case undecodableMedia = "undecodable_media"
    /// Larger than the decoders accept.
    case tooLarge = "too_large"
    /// A manifest line or row that cannot be read (malformed JSON, no path, a bad kind).
    case badManifestLine = "bad_manifest_line"
    /// A manifest path that resolves outside the build's root.
    case pathEscapesRoot = "path_escapes_root"
    /// Not a refusal: the input was indexed, but only in part (a truncated video, a frame cap reached);
    /// the code of the summary's `warnings`.
    case indexedInPart = "indexed_in_part"
    /// Anything else: an unexpected error while embedding or writing (details in the message and logs).
    case `internal`
}

/// How one input of an ingest ended: every input of `vsearch build`, `vsearch add` and
/// `POST /v1/items` ends in exactly one of these.
public enum IngestOutcome: Sendable, Equatable {
    /// Embedded and written under `id`.
    case indexed(id: String)
    /// Finished by an earlier, interrupted run of the same build (not embedded again).
    case resumed(id: String)
    /// The same content is already indexed as item `existingID`.
    case duplicate(existingID: String, reason: String)
    /// The input's id is taken by an item with other content.
    case idConflict(id: String, reason: String)
    /// Refused for a reason the input's owner can fix; `code` is stable, `reason` is for people.
    case rejected(IngestReasonCode, reason: String)
    /// An unexpected error while embedding or writing; `reason` describes it (server logs only).
    case failed(reason: String)

    /// The stable code of a refusal (nil for `indexed` and `resumed`).
    public var code: IngestReasonCode? {
        switch self {
        case .indexed, .resumed: nil
        case .duplicate: .duplicate
        case .idConflict: .idConflict
        case .rejected(let code, _): code
        case .failed: .internal
        }
    }

    /// The human-readable reason of a refusal (nil for `indexed` and `resumed`).
    public var reason: String? {
        switch self {
        case .indexed, .resumed: nil
        case .duplicate(_, let reason), .idConflict(_, let reason), .rejected(_, let reason), .failed(let reason): reason
        }
    }
}

/// One input and how it ended.
public struct IngestRecord: Sendable, Equatable {
    /// The input as the user named it (a path, or `manifest:line` for a refused manifest line).
    public var input: String
    public var outcome: IngestOutcome

    public init(input: String, outcome: IngestOutcome) {
        self.input = input
        self.outcome = outcome
    }
}
