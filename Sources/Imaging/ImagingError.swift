/// Why an image could not be read, decoded or written. `input` names the file (or the caller's name for
/// in-memory data), so a message is useful on its own: `"cat.gif: unsupported format GIF (only PNG and JPEG are decoded)"`.
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The input holds no bytes.
        case empty
        /// The file could not be opened or read (`detail` carries the system's reason).
        case unreadable
        /// The file is larger than `DecodeOptions.maxFileBytes`.
        case fileTooLarge(bytes: Int, limit: Int)
        /// The bytes match no known image signature.
        case unrecognizedFormat
        /// A known image format that this project does not decode (GIF, WebP, BMP, TIFF, HEIC, AVIF, …).
        case unsupportedFormat(ImageFormat)
        /// The header declares more pixels than `DecodeOptions.maxPixels`.
        case tooManyPixels(width: Int, height: Int, limit: Int)
        /// The data ends before the image does.
        case truncated
        /// The codec rejected the data (`detail` carries its message).
        case corrupt
        /// Decoding would exceed a work limit (e.g. too many progressive JPEG scans).
        case decodingLimit
        /// Encoding or writing an output file failed.
        case writeFailed
    }

    /// The file path or caller-supplied name of the input.
    public let input: String
    public let reason: Reason
    /// Extra words from the codec or the system, may be empty.
    public let detail: String

    public init(input: String, reason: Reason, detail: String = "") {
        self.input = input
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "empty file (0 bytes)"
        case .unreadable: what = "cannot read file"
        case let .fileTooLarge(bytes, limit): what = "file is \(bytes) bytes, over the limit of \(limit) bytes"
        case .unrecognizedFormat: what = "not a PNG or JPEG image (unrecognised signature)"
        case let .unsupportedFormat(format): what = "unsupported format \(format.name) (only PNG and JPEG are decoded)"
        case let .tooManyPixels(width, height, limit):
            what = "declared size \(width)x\(height) = \(width * height) pixels is over the limit of \(limit) pixels"
        case .truncated: what = "truncated image data"
        case .corrupt: what = "corrupt image data"
        case .decodingLimit: what = "decoding limit exceeded"
        case .writeFailed: what = "cannot write image"
        }
        return detail.isEmpty ? "\(input): \(what)" : "\(input): \(what): \(detail)"
    }
}
