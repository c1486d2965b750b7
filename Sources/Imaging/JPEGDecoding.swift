import CCodecShims

/// JPEG through libjpeg-turbo (via `CCodecShims`), with DCT-domain downscaling and EXIF orientation.
enum JPEGDecoding {
    static func inspect(_ data: [UInt8], name: String) throws(ImagingError) -> ImageInfo {
        let header = try readHeader(data, name: name, scaleDenominator: 1)
        let colour = switch header.color_type {
        case 1: "gray"
        case 2: "rgb"
        case 3: "ycbcr"
        case 4: "cmyk"
        case 5: "ycck"
        default: "space \(header.color_type)"
        }
        return ImageInfo(
            format: .jpeg, width: Int(header.width), height: Int(header.height),
            orientation: EXIFOrientation.read(fromJPEG: data),
            details: ["color": colour, "components": String(header.components),
                      "progressive": header.interlaced != 0 ? "yes" : "no"])
    }

    static func decode(_ data: [UInt8], name: String, options: DecodeOptions) throws(ImagingError) -> Image {
        let header = try readHeader(data, name: name, scaleDenominator: 1)
        let width = Int(header.width), height = Int(header.height)
        try checkPixelLimit(width: width, height: height, options: options, name: name)
        if header.interlaced != 0, width * height > options.maxProgressivePixels {
            throw ImagingError(input: name, reason: .decodingLimit,
                               detail: "progressive JPEG of \(width)x\(height) = \(width * height) pixels is over the "
                                   + "limit of \(options.maxProgressivePixels) pixels for progressive files")
        }
        let denominator = scaleDenominator(width: width, height: height, minimumShorterSide: options.minimumShorterSide)
        // libjpeg's jpeg_calc_output_dimensions: ceil(size / denominator).
        let outWidth = (width + denominator - 1) / denominator
        let outHeight = (height + denominator - 1) / denominator
        var status: Int32 = 0
        var message = CodecMessage()
        let maxScans = Int32(clamping: options.maxProgressiveScans)
        let pixels = [UInt8](unsafeUninitializedCapacity: outWidth * outHeight * 3) { buffer, count in
            status = data.withUnsafeBufferPointer { input in
                message.withBuffer { err, errLength in
                    vs_jpeg_decode_rgb8(input.baseAddress, input.count, Int32(denominator), UInt32(outWidth),
                                        UInt32(outHeight), maxScans, max(0, options.maxDecoderMemory), buffer.baseAddress, buffer.count, err, errLength)
                }
            }
            count = status == VS_OK ? buffer.count : 0
        }
        if status != VS_OK { throw codecError(status, message: message.text, name: name) }
        let image = Image(width: outWidth, height: outHeight, pixels: pixels)
        guard options.appliesEXIFOrientation else { return image }
        return image.applyingEXIFOrientation(EXIFOrientation.read(fromJPEG: data))
    }

    /// The largest power-of-two reduction (1/8, 1/4, 1/2) whose shorter side, rounded up as libjpeg does,
    /// is still ≥ `minimumShorterSide`; 1 when no hint is given.
    static func scaleDenominator(width: Int, height: Int, minimumShorterSide: Int?) -> Int {
        guard let minimum = minimumShorterSide, minimum > 0 else { return 1 }
        let shorter = min(width, height)
        for denominator in [8, 4, 2] where (shorter + denominator - 1) / denominator >= minimum {
            return denominator
        }
        return 1
    }

    static func readHeader(_ data: [UInt8], name: String, scaleDenominator: Int) throws(ImagingError) -> vs_image_info {
        var info = vs_image_info()
        var message = CodecMessage()
        let status = data.withUnsafeBufferPointer { input in
            message.withBuffer { err, errLength in
                vs_jpeg_read_info(input.baseAddress, input.count, Int32(scaleDenominator), &info, err, errLength)
            }
        }
        if status != VS_OK { throw codecError(status, message: message.text, name: name) }
        return info
    }
}
