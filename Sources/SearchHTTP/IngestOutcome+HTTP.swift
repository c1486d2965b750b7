import HTTPTypes
import SearchEngine

/// The one table from an ingest outcome (`POST /v1/items`) to the HTTP answer. The status is chosen by
/// the outcome's case and reason code only, never by its message text. Messages name the item, never a
/// server path; a failure's details go to the server log, not to the client.
///
/// | outcome                      | status | code                     |
/// |------------------------------|--------|--------------------------|
/// | indexed                      | 201    | —                        |
/// | duplicate                    | 409    | `duplicate`              |
/// | id conflict                  | 409    | `id_conflict`            |
/// | rejected: unsupported media  | 415    | `unsupported_media_type` |
/// | rejected: any other reason   | 400    | the reason code          |
/// | failed                       | 500    | `internal`               |
enum IngestOutcomeStatus {
    /// The status of an added item.
    static let indexed: HTTPResponse.Status = .created

    /// The error answering `outcome`, or nil when the item was indexed. `upload` (the stored file's
    /// path) is replaced by the word "upload" in reasons, so no server path reaches the client.
    static func error(for outcome: IngestOutcome, upload: String) -> APIError? {
        switch outcome {
        case .indexed, .resumed:
            return nil
        case .duplicate(let existingID, _):
            return APIError(.conflict, IngestReasonCode.duplicate.rawValue, "the same content is already indexed as item '\(existingID)'")
        case .idConflict(let id, _):
            return APIError(.conflict, IngestReasonCode.idConflict.rawValue, "id '\(id)' is already used by another item")
        case .rejected(.unsupportedMedia, let reason):
            return APIError(.unsupportedMediaType, "unsupported_media_type", "upload: " + redact(reason, upload))
        case .rejected(let code, let reason):
            return APIError(.badRequest, code.rawValue, "upload: " + redact(reason, upload))
        case .failed:
            return APIError(.internalServerError, IngestReasonCode.internal.rawValue, "the item could not be added because of an internal error")
        }
    }

    private static func redact(_ reason: String, _ upload: String) -> String {
        let trimmed = reason.hasPrefix(upload + ": ") ? String(reason.dropFirst(upload.count + 2)) : reason
        return trimmed.replacingOccurrences(of: upload, with: "upload")
    }
}
