import CCodecShims

/// Encodes `Image` as an 8-bit RGB PNG (non-interlaced), through libpng.
public enum PNGEncoder {
    /// The PNG file bytes for `image`. `compressionLevel` is zlib's 0–9 (6 balances size and speed).
    public static func encode(_ image: Image, compressionLevel: Int = 6) throws(ImagingError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImagingError(input: "PNG encoder", reason: .writeFailed, detail: "empty image \(image.width)x\(image.height)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = CodecMessage()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            message.withBuffer { err, errLength in
                vs_png_encode_rgb8(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                                   Int32(compressionLevel), &output, &length, err, errLength)
            }
        }
        defer { vs_free(output) }
        guard status == VS_OK, let output else {
            throw ImagingError(input: "PNG encoder", reason: .writeFailed, detail: message.text)
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// Encodes `image` and writes it to `path` atomically (temporary file, fsync, rename, fsync directory).
    public static func write(_ image: Image, to path: String, compressionLevel: Int = 6) throws(ImagingError) {
        let bytes = try encode(image, compressionLevel: compressionLevel)
        try AtomicFile.write(bytes, to: path)
    }
}
