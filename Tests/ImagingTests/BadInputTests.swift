import Imaging
import SearchTesting
import Testing

/// Hostile and broken input: every case must end in a typed `ImagingError` naming the input —
/// never a crash, a hang or a huge allocation.
@Suite struct BadInputTests {
    static func decodeError(_ bytes: [UInt8], name: String = "bad", options: DecodeOptions = .init()) -> ImagingError? {
        do {
            _ = try ImageDecoder.decode(data: bytes, name: name, options: options)
            return nil
        } catch {
            return error
        }
    }

    static let smallPNG: [UInt8] = try! PNGEncoder.encode(SyntheticImages.noise(width: 40, height: 30, seed: 3))
    static let smallJPEG: [UInt8] = try! JPEGEncoder.encode(SyntheticImages.noise(width: 40, height: 30, seed: 4), quality: 90)

    @Test func emptyInput() throws {
        #expect(Self.decodeError([], name: "empty.png")?.reason == .empty)
        let dir = TestDirectory()
        defer { dir.remove() }
        let path = dir.write([], named: "empty.jpg")
        #expect(throws: ImagingError(input: path, reason: .empty)) { try ImageDecoder.decode(path: path) }
    }

    @Test func missingFileAndDirectory() throws {
        let dir = TestDirectory()
        defer { dir.remove() }
        for path in ["\(dir.path)/missing.png", dir.path] {
            do {
                _ = try ImageDecoder.decode(path: path)
                Issue.record("\(path) decoded")
            } catch {
                #expect(error.reason == .unreadable && error.description.hasPrefix(path))
            }
        }
    }

    @Test func unsupportedFormatsAreNamed() {
        let headers: [(ImageFormat, [UInt8])] = [
            (.gif, Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0]),
            (.webp, Array("RIFF".utf8) + [26, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [0, 0, 0, 0]),
            (.bmp, Array("BM".utf8) + [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0]),
            (.tiff, [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0]),
            (.tiff, [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 0]),
            (.heic, [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)),
            (.avif, [0, 0, 0, 28] + Array("ftypavif".utf8) + [0, 0, 0, 0] + Array("avifmif1miaf".utf8)),
        ]
        for (format, bytes) in headers {
            let error = Self.decodeError(bytes, name: "photo.\(format.rawValue)")
            #expect(error?.reason == .unsupportedFormat(format))
            #expect(error?.description.contains(format.name) == true && error?.description.contains("photo.") == true)
        }
        #expect(Self.decodeError(Array("hello, this is text".utf8))?.reason == .unrecognizedFormat)
        #expect(Self.decodeError([0x89, 0x50, 0x4E])?.reason == .unrecognizedFormat)  // a PNG signature cut short
    }

    @Test func truncatedPNGAtEveryOffset() {
        // Everything before IEND (the last 12 bytes) is needed: any cut there must fail.
        for cut in 0..<(Self.smallPNG.count - 12) {
            let error = Self.decodeError(Array(Self.smallPNG[0..<cut]), name: "cut.png")
            #expect(error != nil, "PNG cut at \(cut) of \(Self.smallPNG.count) decoded")
            if cut > 8 { #expect([.truncated, .corrupt].contains(error?.reason), "cut \(cut): \(String(describing: error))") }
        }
    }

    @Test func truncatedJPEGAtEveryOffset() {
        // Any cut before the final EOI marker loses header or entropy-coded data.
        for cut in 0..<(Self.smallJPEG.count - 2) {
            let error = Self.decodeError(Array(Self.smallJPEG[0..<cut]), name: "cut.jpg")
            #expect(error != nil, "JPEG cut at \(cut) of \(Self.smallJPEG.count) decoded")
        }
        #expect(Self.decodeError(Array(Self.smallJPEG[0..<(Self.smallJPEG.count / 2)]))?.reason == .truncated)
    }

    @Test func everyFlippedBytePNGFails() {
        // CRCs cover every chunk byte; a flipped length misaligns the chunk stream.
        for position in 0..<(Self.smallPNG.count - 12) {
            var bytes = Self.smallPNG
            bytes[position] ^= 0x5A
            #expect(Self.decodeError(bytes, name: "flip.png") != nil, "flip at \(position) decoded")
        }
    }

    @Test func flippedBytesJPEGNeverCrash() {
        // JPEG has no checksum: a flip may decode to different pixels, but must never crash or change the size
        // without an error.
        var generator = SyntheticImages.Generator(seed: 11)
        var failures = 0
        for _ in 0..<400 {
            var bytes = Self.smallJPEG
            for _ in 0..<3 { bytes[Int.random(in: 2..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            do {
                let image = try ImageDecoder.decode(data: bytes, name: "flip.jpg")
                #expect(image.pixels.count == image.width * image.height * 3)
            } catch {
                failures += 1
                #expect(error.description.hasPrefix("flip.jpg: "))
            }
        }
        #expect(failures > 0)
    }

    static func pngHeader(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 2) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        PNGTestWriter.appendChunk("IHDR", PNGTestWriter.bigEndian32(width) + PNGTestWriter.bigEndian32(height)
                                  + [bitDepth, colorType, 0, 0, 0], to: &png)
        PNGTestWriter.appendChunk("IDAT", PNGTestWriter.zlibStored([0, 1, 2, 3]), to: &png)
        PNGTestWriter.appendChunk("IEND", [], to: &png)
        return png
    }

    @Test func badPNGHeaders() {
        for (width, height, depth, type) in [(0, 10, 8, 2), (10, 0, 8, 2), (10, 10, 3, 2), (10, 10, 8, 5), (10, 10, 16, 3),
                                             (UInt32(1) << 31, 10, 8, 2)] as [(UInt32, UInt32, UInt8, UInt8)] {
            let error = Self.decodeError(Self.pngHeader(width: width, height: height, bitDepth: depth, colorType: type), name: "hdr.png")
            #expect(error?.reason == .corrupt, "\(width)x\(height) depth \(depth) type \(type): \(String(describing: error))")
        }
        // Valid header, too little image data.
        #expect(Self.decodeError(Self.pngHeader(width: 10, height: 10))?.reason == .corrupt)
    }

    @Test func hugeDeclaredDimensionsAreRefusedBeforeAllocation() throws {
        // 20000 × 20000 = 400 MP (1.2 GB of RGB) declared by a 60-byte file.
        let png = Self.pngHeader(width: 20000, height: 20000)
        #expect(Self.decodeError(png, name: "bomb.png")?.reason == .tooManyPixels(width: 20000, height: 20000, limit: 100_000_000))
        // The same for JPEG: patch the SOF0 frame size to 60000 × 60000.
        var jpeg = Self.smallJPEG
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60   // height 60000
        jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60   // width 60000
        let error = Self.decodeError(jpeg, name: "bomb.jpg")
        #expect(error?.reason == .tooManyPixels(width: 60000, height: 60000, limit: 100_000_000))
        #expect(error?.description == "bomb.jpg: declared size 60000x60000 = 3600000000 pixels is over the limit of 100000000 pixels")
        // Inspect still reports such a header (it allocates nothing).
        #expect(try ImageDecoder.inspect(data: jpeg, name: "bomb.jpg").width == 60000)
        // A zero-height frame is corrupt.
        jpeg[sof + 5] = 0; jpeg[sof + 6] = 0
        #expect(Self.decodeError(jpeg, name: "zero.jpg")?.reason == .corrupt)
    }

    @Test func configurableLimits() throws {
        let pixels = DecodeOptions(maxPixels: 40 * 30 - 1)
        #expect(Self.decodeError(Self.smallPNG, options: pixels)?.reason == .tooManyPixels(width: 40, height: 30, limit: 1199))
        #expect(Self.decodeError(Self.smallJPEG, options: pixels)?.reason == .tooManyPixels(width: 40, height: 30, limit: 1199))
        #expect(Self.decodeError(Self.smallPNG, options: DecodeOptions(maxPixels: 1200)) == nil)

        let bytes = DecodeOptions(maxFileBytes: Self.smallJPEG.count - 1)
        #expect(Self.decodeError(Self.smallJPEG, options: bytes)?.reason == .fileTooLarge(bytes: Self.smallJPEG.count, limit: Self.smallJPEG.count - 1))
        let dir = TestDirectory()
        defer { dir.remove() }
        let path = dir.write(Self.smallJPEG, named: "limit.jpg")
        #expect(throws: ImagingError(input: path, reason: .fileTooLarge(bytes: Self.smallJPEG.count, limit: Self.smallJPEG.count - 1))) {
            try ImageDecoder.decode(path: path, options: bytes)
        }
        #expect(try ImageDecoder.decode(path: path).width == 40)
        #expect(DecodeOptions().maxPixels == 100_000_000 && DecodeOptions().maxFileBytes == 64 << 20)
    }
}
