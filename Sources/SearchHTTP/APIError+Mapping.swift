import Catalog
import Imaging
import SearchEngine
import VideoFrames

extension APIError {
    /// The one mapping from the errors of the layers below to the API's statuses and codes. Messages
    /// reach the client only where they name nothing but the request's own input (an item id, an
    /// upload's name, a parameter); anything that could carry a server path, SQL or a stack of causes
    /// becomes a generic body, with the detail kept in ``logDetail`` for the server log.
    public static func mapping(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as SearchEngineError:
            return mapping(error)
        case let error as ImagingError:
            // Query images and uploads are named by the request ("upload 'cat.gif'"), never by a path.
            switch error.reason {
            case .unsupportedFormat: return .unsupportedMediaType("\(error)")
            case .fileTooLarge, .tooManyPixels: return .invalidParameter("image", "\(error)")
            default: return .undecodableImage("\(error)")
            }
        default:
            return .internal("\(error)")
        }
    }

    private static func mapping(_ error: SearchEngineError) -> APIError {
        let detail = "\(error)" + (error.cause.map { " (cause: \($0))" } ?? "")
        switch error.kind {
        case .missingQuery: return .missingQuery
        case .itemNotFound: return .itemNotFound(error.subject)
        case .invalidQuery: return .invalidParameter(error.subject, error.reason)
        case .invalidCursor: return APIError(.badRequest, "invalid_cursor", "\(error.subject): \(error.reason)")
        case .cursorMismatch: return APIError(.badRequest, "cursor_mismatch", "\(error.subject): \(error.reason)")
        case .staleCursor: return APIError(.badRequest, "stale_cursor", "\(error.subject): \(error.reason)")
        case .modelUnavailable:
            var e = APIError.notReady("the model this query needs is not loaded")
            e.logDetail = detail
            return e
        case .noVersion:
            var e = APIError.notReady("no index version is published yet")
            e.logDetail = detail
            return e
        case .conflict:
            var e = APIError(.conflict, "conflict", "the index holds an unfinished build of other inputs")
            e.logDetail = detail
            return e
        case .busy:
            var e = APIError(.serviceUnavailable, "index_busy", "another writer holds the index; retry shortly")
            e.headers = [("Retry-After", "2")]
            e.logDetail = detail
            return e
        case .badInput, .pathEscapesRoot, .corruptIndex, .io, .interrupted:
            return .internal(detail)
        }
    }
}
