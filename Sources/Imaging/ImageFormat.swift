/// Image container formats recognised by their magic bytes (never by file name).
/// Only `.png` and `.jpeg` are decoded; the others are named in the error so the user knows what they sent.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case png, jpeg, gif, webp, bmp, tiff, heic, avif, jpeg2000, jpegXL, ico

    /// Human-readable name used in messages and `vsearch inspect`.
    public var name: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .gif: "GIF"
        case .webp: "WebP"
        case .bmp: "BMP"
        case .tiff: "TIFF"
        case .heic: "HEIC"
        case .avif: "AVIF"
        case .jpeg2000: "JPEG 2000"
        case .jpegXL: "JPEG XL"
        case .ico: "ICO"
        }
    }

    /// Whether `ImageDecoder` can decode it.
    public var isDecodable: Bool { self == .png || self == .jpeg }

    /// Identifies the format from the first bytes of a file; `nil` when no signature matches.
    public static func sniff(_ bytes: some RandomAccessCollection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(32))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) { return .jpeg2000 }
        if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) { return .jpegXL }
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            if ["avif", "avis"].contains(brand) { return .avif }
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) { return .heic }
        }
        // BMP: "BM" plus a plausible DIB header size, so text starting with "BM" is not misnamed.
        if starts(Array("BM".utf8)), head.count >= 18, [12, 40, 52, 56, 64, 108, 124].contains(Int(head[14])) { return .bmp }
        if starts([0x00, 0x00, 0x01, 0x00]), head.count >= 6, head[4] != 0 || head[5] != 0 { return .ico }
        return nil
    }
}
