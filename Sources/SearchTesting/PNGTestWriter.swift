/// A deliberately simple, independent PNG writer for tests: every colour type and bit depth, palettes,
/// tRNS, Adam7 interlacing and all five row filters — so decoder tests do not depend on libpng's encoder.
/// Deflate uses stored (uncompressed) blocks: valid zlib, no compressor needed.
public enum PNGTestWriter {
    public enum ColorType: UInt8, Sendable, CaseIterable {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6

        /// Samples per pixel in the `samples` array passed to `encode`.
        public var channels: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// The bit depths the PNG specification allows for this colour type.
        public var allowedBitDepths: [Int] {
            switch self {
            case .gray: [1, 2, 4, 8, 16]
            case .palette: [1, 2, 4, 8]
            default: [8, 16]
            }
        }
    }

    /// Encodes `samples` (`width × height × colorType.channels` values, each < 2^bitDepth, row-major).
    /// - `palette`: RGB triples for `.palette`; `transparency`: the tRNS payload values — per-entry alpha for
    ///   palettes, one gray value, or one RGB triple (in sample units).
    public static func encode(
        width: Int, height: Int, colorType: ColorType, bitDepth: Int, samples: [UInt16],
        palette: [(UInt8, UInt8, UInt8)] = [], transparency: [UInt16]? = nil, interlaced: Bool = false
    ) -> [UInt8] {
        precondition(samples.count == width * height * colorType.channels)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian32(UInt32(width)) + bigEndian32(UInt32(height))
        header += [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
        appendChunk("IHDR", header, to: &png)
        if colorType == .palette { appendChunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }, to: &png) }
        if let transparency {
            let payload: [UInt8] = colorType == .palette
                ? transparency.map { UInt8($0) }
                : transparency.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            appendChunk("tRNS", payload, to: &png)
        }
        let passes: [(x: Int, y: Int, dx: Int, dy: Int)] = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var raw = [UInt8]()
        var rowIndex = 0
        for pass in passes {
            let passWidth = width > pass.x ? (width - pass.x + pass.dx - 1) / pass.dx : 0
            let passHeight = height > pass.y ? (height - pass.y + pass.dy - 1) / pass.dy : 0
            if passWidth == 0 || passHeight == 0 { continue }
            var previous = [UInt8]()
            for py in 0..<passHeight {
                let y = pass.y + py * pass.dy
                var values = [UInt16]()
                for px in 0..<passWidth {
                    let x = pass.x + px * pass.dx
                    let base = (y * width + x) * colorType.channels
                    values += samples[base..<(base + colorType.channels)]
                }
                let row = pack(values, bitDepth: bitDepth)
                let bytesPerPixel = max(1, colorType.channels * bitDepth / 8)
                let filter = UInt8(rowIndex % 5)  // cycle None, Sub, Up, Average, Paeth
                rowIndex += 1
                raw.append(filter)
                raw += applyFilter(filter, row: row, previous: previous.isEmpty ? [UInt8](repeating: 0, count: row.count) : previous,
                                   bytesPerPixel: bytesPerPixel)
                previous = row
            }
        }
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Packs samples MSB-first at `bitDepth` bits (16-bit big-endian), padding the row to a byte.
    static func pack(_ values: [UInt16], bitDepth: Int) -> [UInt8] {
        if bitDepth == 16 { return values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        if bitDepth == 8 { return values.map { UInt8($0) } }
        var out = [UInt8](repeating: 0, count: (values.count * bitDepth + 7) / 8)
        for (i, v) in values.enumerated() {
            let bit = i * bitDepth
            out[bit / 8] |= UInt8(v) << (8 - bitDepth - bit % 8)
        }
        return out
    }

    static func applyFilter(_ type: UInt8, row: [UInt8], previous: [UInt8], bytesPerPixel: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: row.count)
        for i in row.indices {
            let a = i >= bytesPerPixel ? Int(row[i - bytesPerPixel]) : 0
            let b = Int(previous[i])
            let c = i >= bytesPerPixel ? Int(previous[i - bytesPerPixel]) : 0
            let predictor: Int
            switch type {
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            default: predictor = 0
            }
            out[i] = UInt8(truncatingIfNeeded: Int(row[i]) - predictor)
        }
        return out
    }

    /// A zlib stream of stored deflate blocks.
    public static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian32(b << 16 | a)
    }

    /// Appends length, type, data and CRC-32.
    public static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png += bigEndian32(UInt32(data.count))
        png += typeBytes
        png += data
        png += bigEndian32(crc32(typeBytes + data))
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    public static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
