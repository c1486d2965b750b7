import CCodecShims

/// PNG through libpng (via `CCodecShims`).
enum PNGDecoding {
    static func inspect(_ data: [UInt8], name: String) throws(ImagingError) -> ImageInfo {
        let header = try readHeader(data, name: name)
        let colour = switch header.color_type {
        case 0: "gray"
        case 2: "rgb"
        case 3: "palette"
        case 4: "gray+alpha"
        case 6: "rgba"
        default: "type \(header.color_type)"
        }
        return ImageInfo(format: .png, width: Int(header.width), height: Int(header.height), orientation: 1, details: [
            "color": colour, "bit_depth": String(header.bit_depth),
            "interlaced": header.interlaced != 0 ? "adam7" : "no",
            "transparency": header.has_transparency != 0 ? "yes" : "no",
        ])
    }

    static func decode(_ data: [UInt8], name: String, options: DecodeOptions) throws(ImagingError) -> Image {
        let header = try readHeader(data, name: name)
        let width = Int(header.width), height = Int(header.height)
        try checkPixelLimit(width: width, height: height, options: options, name: name)
        var status: Int32 = 0
        var message = CodecMessage()
        let background = options.background
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            status = data.withUnsafeBufferPointer { input in
                message.withBuffer { err, errLength in
                    vs_png_decode_rgb8(input.baseAddress, input.count, header.width, header.height,
                                       background.red, background.green, background.blue,
                                       buffer.baseAddress, buffer.count, err, errLength)
                }
            }
            count = status == VS_OK ? buffer.count : 0
        }
        if status != VS_OK { throw codecError(status, message: message.text, name: name) }
        return Image(width: width, height: height, pixels: pixels)
    }

    static func readHeader(_ data: [UInt8], name: String) throws(ImagingError) -> vs_image_info {
        var info = vs_image_info()
        var message = CodecMessage()
        let status = data.withUnsafeBufferPointer { input in
            message.withBuffer { err, errLength in vs_png_read_info(input.baseAddress, input.count, &info, err, errLength) }
        }
        if status != VS_OK { throw codecError(status, message: message.text, name: name) }
        return info
    }
}

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
