import Foundation
import Imaging
import SearchTesting
import Testing

/// Issue #14 items 5 and 10: decoder memory is bounded (progressive JPEG bombs), and the encoder's error
/// path after its output buffer grew frees each buffer once.
@Suite struct DecoderMemoryTests {
    /// `jpeg` with the frame header's size replaced (the scan data stays that of the small image).
    static func declaringSize(_ jpeg: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        var bytes = jpeg
        // Walk the marker segments from SOI to the frame header (SOF0–SOF2).
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF, !(0xC0...0xC2).contains(bytes[offset + 1]) {
            offset += 2 + (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        try #require(offset + 9 <= bytes.count && (0xC0...0xC2).contains(bytes[offset + 1]), "no frame header")
        let sof = offset
        bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
        bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
        return bytes
    }

    static func progressive(_ side: Int) throws -> [UInt8] {
        try JPEGEncoder.encode(SyntheticImages.noise(width: side, height: side, seed: 3), quality: 80, progressive: true)
    }

    /// The audit's bomb: a progressive 9984×9984 (under the 100 MP cap) decoded at reduced scale needed
    /// ~300 MB of coefficients. Refused from its header, before libjpeg allocates anything.
    @Test func progressiveBombIsRefusedByThePixelCapForProgressiveFiles() throws {
        let bomb = try Self.declaringSize(Self.progressive(64), width: 9984, height: 9984)
        let error = #expect(throws: ImagingError.self) {
            _ = try ImageDecoder.decodeResized(data: bomb, name: "bomb.jpg", size: 224, mode: .crop)
        }
        #expect(error?.reason == .decodingLimit)
        #expect(error?.description.contains("bomb.jpg") == true)
        #expect(error?.detail.contains("\(DecodeOptions.defaultMaxProgressivePixels)") == true)
        // A baseline file of the same declared size needs no whole-image buffer: only the general cap
        // applies (its scan data is that of a 64² image, so what it decodes to does not matter here).
        let baseline = try Self.declaringSize(JPEGEncoder.encode(SyntheticImages.noise(width: 64, height: 64, seed: 3)),
                                              width: 9984, height: 9984)
        do {
            let image = try ImageDecoder.decode(data: baseline, name: "flat.jpg", options: DecodeOptions(minimumShorterSide: 224))
            #expect(image.width == 1248)
        } catch {
            #expect(error.reason != .decodingLimit, "\(error)")
        }
    }

    /// libjpeg's `max_memory_to_use` is set: even under the pixel cap, a progressive file whose
    /// coefficient buffer exceeds the memory limit is refused before the buffer exists.
    @Test func progressiveCoefficientsOverTheDecoderMemoryLimitAreRefused() throws {
        let jpeg = try Self.progressive(512)  // 512² 4:2:0: ~786 KB of coefficients
        let limited = DecodeOptions(minimumShorterSide: 64, maxDecoderMemory: 256 << 10)
        let error = #expect(throws: ImagingError.self) { _ = try ImageDecoder.decode(data: jpeg, name: "p.jpg", options: limited) }
        #expect(error?.reason == .decodingLimit)
        #expect(error?.detail.contains("\(256 << 10)-byte decoder memory limit") == true)
        #expect(try ImageDecoder.decode(data: jpeg, name: "p.jpg", options: DecodeOptions(minimumShorterSide: 64)).width == 64)
        // The huge declared size with the pixel cap lifted: the memory limit refuses it at the start of
        // decompression (a 300 MB allocation never happens).
        let bomb = try Self.declaringSize(jpeg, width: 9984, height: 9984)
        let lifted = DecodeOptions(minimumShorterSide: 224, maxProgressivePixels: .max)
        let bombError = #expect(throws: ImagingError.self) { _ = try ImageDecoder.decode(data: bomb, name: "bomb.jpg", options: lifted) }
        #expect(bombError?.reason == .decodingLimit)
    }

    /// Item 10: the output manager used to `free` a buffer libjpeg-turbo had already freed when it grew
    /// it. An encoder error after several growths (the output limit) must return a typed error and
    /// free exactly once: the old code crashed here (glibc "double free", or ASan in `Fuzz/jpeg`).
    @Test func encoderErrorAfterTheOutputBufferGrewIsATypedError() throws {
        let noise = SyntheticImages.noise(width: 256, height: 256, seed: 9)
        let full = try JPEGEncoder.encode(samples: noise.pixels, width: 256, height: 256, layout: .rgb, quality: 95)
        #expect(full.count > 40_000, "needs several growths of the 4 KB buffer: \(full.count)")
        for limit in [5000, 20_000, 40_000] {
            for _ in 0..<20 {  // repeated: a double free corrupts the heap and fails a later round if not this one
                let error = #expect(throws: ImagingError.self) {
                    _ = try JPEGEncoder.encode(samples: noise.pixels, width: 256, height: 256, layout: .rgb, quality: 95,
                                               maxOutputBytes: limit)
                }
                #expect(error?.reason == .writeFailed)
                #expect(error?.detail.contains("exceeds the limit of \(limit) bytes") == true)
            }
        }
        // Under the limit (and unbounded) the output is the same file.
        #expect(try JPEGEncoder.encode(samples: noise.pixels, width: 256, height: 256, layout: .rgb, quality: 95,
                                       maxOutputBytes: full.count) == full)
        let decoded = try ImageDecoder.decode(data: full, name: "noise.jpg")
        #expect(decoded.width == 256 && decoded.height == 256)
    }
}
