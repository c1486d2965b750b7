import CCodecShims

/// Encodes JPEGs through libjpeg-turbo: RGB images (stored as YCbCr), and raw grayscale or CMYK samples
/// (used to produce every JPEG variant the decoder must read; CMYK output is rare in production).
public enum JPEGEncoder {
    /// How the samples passed to `encode(samples:…)` are laid out.
    public enum SampleLayout: Sendable {
        /// 1 byte per pixel.
        case grayscale
        /// 3 bytes per pixel, R G B.
        case rgb
        /// 4 bytes per pixel, C M Y K as stored (Adobe files store them inverted: 255 = no ink).
        /// `ycck` applies the YCCK colour transform on top, as Photoshop does.
        case cmyk(ycck: Bool)

        var components: Int32 {
            switch self {
            case .grayscale: 1
            case .rgb: 3
            case .cmyk: 4
            }
        }
    }

    /// The JPEG file bytes for `image`.
    public static func encode(_ image: Image, quality: Int = 90, progressive: Bool = false) throws(ImagingError) -> [UInt8] {
        try encode(samples: image.pixels, width: image.width, height: image.height, layout: .rgb,
                   quality: quality, progressive: progressive)
    }

    /// The JPEG file bytes for raw interleaved samples (`width × height × components` bytes).
    /// `maxOutputBytes` (0: unbounded) refuses an output larger than that with `.writeFailed`.
    public static func encode(
        samples: [UInt8], width: Int, height: Int, layout: SampleLayout, quality: Int = 90, progressive: Bool = false,
        maxOutputBytes: Int = 0
    ) throws(ImagingError) -> [UInt8] {
        guard width > 0, height > 0, samples.count == width * height * Int(layout.components) else {
            throw ImagingError(input: "JPEG encoder", reason: .writeFailed,
                               detail: "\(samples.count) samples do not fit \(width)x\(height)")
        }
        var ycck: Int32 = 0
        if case .cmyk(true) = layout { ycck = 1 }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = CodecMessage()
        let status = samples.withUnsafeBufferPointer { input in
            message.withBuffer { err, errLength in
                vs_jpeg_encode_limited(input.baseAddress, UInt32(width), UInt32(height), layout.components, Int32(quality),
                                       progressive ? 1 : 0, ycck, max(0, maxOutputBytes), &output, &length, err, errLength)
            }
        }
        defer { vs_free(output) }
        guard status == VS_OK, let output else {
            throw ImagingError(input: "JPEG encoder", reason: .writeFailed, detail: message.text)
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
