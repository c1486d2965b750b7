#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes PNG and JPEG files to `Image` (8-bit RGB). The format is chosen by magic bytes, never by name.
///
/// Every refusal is an `ImagingError` naming the input: empty, unreadable, over `maxFileBytes`,
/// unrecognised or unsupported format, header over `maxPixels` (checked before the pixel buffer is
/// allocated), truncated or corrupt data.
public enum ImageDecoder {
    /// Reads and decodes the file at `path`. The file size is checked before it is read.
    public static func decode(path: String, options: DecodeOptions = .init()) throws(ImagingError) -> Image {
        let bytes = try readFile(path: path, maxBytes: options.maxFileBytes)
        return try decode(data: bytes, name: path, options: options)
    }

    /// Decodes an in-memory file. `name` only labels errors.
    public static func decode(data: [UInt8], name: String, options: DecodeOptions = .init()) throws(ImagingError) -> Image {
        let format = try decodableFormat(of: data, name: name, maxBytes: options.maxFileBytes)
        switch format {
        case .png: return try PNGDecoding.decode(data, name: name, options: options)
        default: return try JPEGDecoding.decode(data, name: name, options: options)
        }
    }

    /// Reads only the header: format, stored size, EXIF orientation. Cheap (no pixel decoding).
    public static func inspect(path: String, options: DecodeOptions = .init()) throws(ImagingError) -> ImageInfo {
        let bytes = try readFile(path: path, maxBytes: options.maxFileBytes)
        return try inspect(data: bytes, name: path, options: options)
    }

    /// Reads only the header of an in-memory file.
    public static func inspect(data: [UInt8], name: String, options: DecodeOptions = .init()) throws(ImagingError) -> ImageInfo {
        let format = try decodableFormat(of: data, name: name, maxBytes: options.maxFileBytes)
        switch format {
        case .png: return try PNGDecoding.inspect(data, name: name)
        default: return try JPEGDecoding.inspect(data, name: name)
        }
    }

    static func decodableFormat(of data: [UInt8], name: String, maxBytes: Int) throws(ImagingError) -> ImageFormat {
        if data.isEmpty { throw ImagingError(input: name, reason: .empty) }
        if data.count > maxBytes { throw ImagingError(input: name, reason: .fileTooLarge(bytes: data.count, limit: maxBytes)) }
        guard let format = ImageFormat.sniff(data) else { throw ImagingError(input: name, reason: .unrecognizedFormat) }
        guard format.isDecodable else { throw ImagingError(input: name, reason: .unsupportedFormat(format)) }
        return format
    }

    /// Reads a whole regular file, refusing it before reading if it is larger than `maxBytes`.
    static func readFile(path: String, maxBytes: Int) throws(ImagingError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw ImagingError(input: path, reason: .unreadable, detail: systemMessage()) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw ImagingError(input: path, reason: .unreadable, detail: systemMessage()) }
        if (status.st_mode & S_IFMT) != S_IFREG {
            throw ImagingError(input: path, reason: .unreadable, detail: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 { throw ImagingError(input: path, reason: .empty) }
        if size > maxBytes { throw ImagingError(input: path, reason: .fileTooLarge(bytes: size, limit: maxBytes)) }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let n = read(descriptor, buffer.baseAddress! + offset, size - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = systemMessage()
                    break
                }
                if n == 0 { break }  // the file shrank while we read it
                offset += n
            }
            count = offset
        }
        if let failure { throw ImagingError(input: path, reason: .unreadable, detail: failure) }
        if bytes.isEmpty { throw ImagingError(input: path, reason: .empty) }
        return bytes
    }

    static func systemMessage() -> String { String(cString: strerror(errno)) }
}
