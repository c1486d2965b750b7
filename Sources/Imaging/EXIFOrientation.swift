/// Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 "Exif" segment.
///
/// Hand-written rather than a library because it is ~60 lines and must be robust against hostile input:
/// every offset is bounds-checked, the marker walk stops at the first scan, and anything malformed simply
/// yields orientation 1 (the image is still decodable; only the metadata is bad).
public enum EXIFOrientation {
    /// The orientation 1–8 of a JPEG file; 1 when there is no valid tag.
    public static func read(fromJPEG data: [UInt8]) -> Int {
        guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return 1 }
        var position = 2
        var segmentsSeen = 0
        while position + 4 <= data.count, segmentsSeen < 4096 {
            guard data[position] == 0xFF else { return 1 }
            let marker = data[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { position += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return 1 }  // start of scan / end of image: no EXIF before pixels
            segmentsSeen += 1
            let length = Int(data[position + 2]) << 8 | Int(data[position + 3])
            let start = position + 4
            let end = position + 2 + length
            guard length >= 2, end <= data.count else { return 1 }
            if marker == 0xE1, let orientation = orientation(inAPP1: data[start..<end]) { return orientation }
            position = end
        }
        return 1
    }

    /// Parses an APP1 payload ("Exif\0\0" + TIFF structure) for IFD0's orientation entry.
    static func orientation(inAPP1 payload: ArraySlice<UInt8>) -> Int? {
        let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]
        guard payload.count >= 14, payload.prefix(6).elementsEqual(exifHeader) else { return nil }
        let tiff = Array(payload.dropFirst(6))
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return littleEndian ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return littleEndian ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for index in 0..<min(count, 1024) {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry), let type = u16(entry + 2) else { return nil }
            guard tag == 0x0112 else { continue }
            let value: Int?
            switch type {
            case 3: value = u16(entry + 8)      // SHORT, the standard type
            case 4: value = u32(entry + 8)      // LONG, written by a few tools
            default: value = nil
            }
            guard let value, (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}
