/// Builders for JPEG metadata in tests: an EXIF APP1 segment carrying an orientation tag.
public enum JPEGTestData {
    /// An APP1 "Exif" segment (marker included) whose IFD0 holds one entry: orientation (0x0112, SHORT).
    public static func exifSegment(orientation: Int, bigEndian: Bool = true) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)                  // magic, IFD0 at offset 8
        tiff += u16(2)                            // two entries: a decoy tag first, then orientation
        tiff += u16(0x010F) + u16(2) + u32(4) + Array("Cam\0".utf8)   // Make, ASCII, inline
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u32(0)                            // no next IFD
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// `jpeg` with `segment` inserted right after SOI (where cameras put EXIF).
    public static func inserting(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }
}
