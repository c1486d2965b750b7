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
