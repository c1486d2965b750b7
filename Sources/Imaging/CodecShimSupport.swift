import CCodecShims

/// A fixed-size buffer the C shims copy their error messages into.
struct CodecMessage {
    private var storage = [CChar](repeating: 0, count: 320)

    mutating func withBuffer<R>(_ body: (UnsafeMutablePointer<CChar>, Int) -> R) -> R {
        storage.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    }

    var text: String {
        storage.withUnsafeBufferPointer { buffer in
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Maps a shim status code to an `ImagingError`.
func codecError(_ status: Int32, message: String, name: String) -> ImagingError {
    switch status {
    case VS_ERR_TRUNCATED: ImagingError(input: name, reason: .truncated, detail: message)
    case VS_ERR_LIMIT: ImagingError(input: name, reason: .decodingLimit, detail: message)
    default: ImagingError(input: name, reason: .corrupt, detail: message)
    }
}

/// The pixel-count limit, applied to the declared (stored) size before any pixel buffer exists.
func checkPixelLimit(width: Int, height: Int, options: DecodeOptions, name: String) throws(ImagingError) {
    if width <= 0 || height <= 0 {
        throw ImagingError(input: name, reason: .corrupt, detail: "declared size \(width)x\(height)")
    }
    if width.multipliedReportingOverflow(by: height).partialValue > options.maxPixels || width > options.maxPixels
        || height > options.maxPixels {
        throw ImagingError(input: name, reason: .tooManyPixels(width: width, height: height, limit: options.maxPixels))
    }
}
