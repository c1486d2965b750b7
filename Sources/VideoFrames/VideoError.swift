/// Why a video could not be read. Every case names the input and says what went wrong.
public struct VideoError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable          // the file cannot be opened or read
        case notAVideo           // a file FFmpeg reads, but with no video stream (or a still image)
        case unsupportedCodec    // no decoder for the stream's codec
        case overLimit           // declared size or duration beyond the configured limits
        case timedOut            // the per-file time limit passed
        case decodeFailed        // the decoder failed before producing any frame
        case refusedFormat       // a container FFmpeg reads but we do not accept (playlists such as HLS, DASH, concat)
    }

    public let code: Code
    public let path: String
    public let reason: String

    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
