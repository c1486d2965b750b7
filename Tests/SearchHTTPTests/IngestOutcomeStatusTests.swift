import HTTPTypes
@testable import SearchHTTP
import SearchEngine
import Testing

/// `POST /v1/items` answers from the typed ingest outcome through one table, never from message text.
@Suite struct IngestOutcomeStatusTests {
    static let upload = "/srv/index/media/0123abcd.jpg"

    @Test func eachOutcomeHasItsStatusAndCode() {
        #expect(IngestOutcomeStatus.error(for: .indexed(id: "a"), upload: Self.upload) == nil)
        #expect(IngestOutcomeStatus.indexed == .created)
        let cases: [(IngestOutcome, HTTPResponse.Status, String)] = [
            (.duplicate(existingID: "a", reason: "same content as item a (/srv/photos/a.jpg)"), .conflict, "duplicate"),
            // Message text that mentions another outcome's words changes nothing: the case decides.
            (.idConflict(id: "a", reason: "duplicate? no: id 'a' is already used"), .conflict, "id_conflict"),
            (.rejected(.unsupportedMedia, reason: "not an image or a video"), .unsupportedMediaType, "unsupported_media_type"),
            (.rejected(.undecodableMedia, reason: "\(Self.upload): truncated JPEG"), .badRequest, "undecodable_media"),
            (.rejected(.emptyFile, reason: "empty file"), .badRequest, "empty_file"),
            (.rejected(.tooLarge, reason: "image file is larger than 1 bytes"), .badRequest, "too_large"),
            (.failed(reason: "SQL error near \"INSERT\" in /srv/index/versions/000001/catalog.sqlite"), .internalServerError, "internal"),
        ]
        for (outcome, status, code) in cases {
            let error = IngestOutcomeStatus.error(for: outcome, upload: Self.upload)
            #expect(error?.status == status, "\(outcome)")
            #expect(error?.code == code, "\(outcome)")
            #expect(error?.message.contains("/srv") == false, "no server path in \(error?.message ?? "")")
        }
        // A failure's body is generic: its details are for the server log only.
        #expect(IngestOutcomeStatus.error(for: .failed(reason: "SQL error"), upload: Self.upload)?.message.contains("SQL") == false)
    }
}
