import Imaging
import SearchTesting
import Testing

/// Every PNG colour type × allowed bit depth × interlacing, written by the independent `PNGTestWriter`
/// and checked pixel by pixel against the expected 8-bit RGB (alpha composited over white).
@Suite struct PNGVariantTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        let colorType: PNGTestWriter.ColorType
        let bitDepth: Int
        let interlaced: Bool
        let withTransparency: Bool
        var testDescription: String {
            "\(colorType) \(bitDepth)-bit\(interlaced ? " adam7" : "")\(withTransparency ? " tRNS" : "")"
        }
    }

    static let variants: [Variant] = PNGTestWriter.ColorType.allCases.flatMap { type in
        type.allowedBitDepths.flatMap { depth in
            [false, true].flatMap { interlaced in
                // tRNS applies to types without an alpha channel.
                ([.gray, .rgb, .palette].contains(type) ? [false, true] : [false]).map {
                    Variant(colorType: type, bitDepth: depth, interlaced: interlaced, withTransparency: $0)
                }
            }
        }
    }

    /// Deterministic samples spread over the whole range of the bit depth.
    static func samples(width: Int, height: Int, channels: Int, bitDepth: Int, seed: UInt64) -> [UInt16] {
        var generator = SyntheticImages.Generator(seed: seed)
        let modulus = UInt64(1) << UInt64(bitDepth)
        return (0..<(width * height * channels)).map { _ in UInt16(generator.next() % modulus) }
    }

    static func to8Bit(_ value: UInt16, bitDepth: Int) -> Int {
        bitDepth == 16 ? (Int(value) * 255 + 32767) / 65535 : Int(value) * 255 / ((1 << bitDepth) - 1)
    }

    static func over(_ color: Int, alpha: Int, background: Int = 255) -> Int {
        (color * alpha + background * (255 - alpha) + 127) / 255
    }

    @Test(arguments: variants)
    func decodesVariant(_ variant: Variant) throws {
        for (width, height) in [(13, 11), (1, 1), (3, 2), (9, 17)] {
            try check(variant, width: width, height: height)
        }
    }

    func check(_ variant: Variant, width: Int, height: Int) throws {
        let type = variant.colorType, depth = variant.bitDepth
        let values = Self.samples(width: width, height: height, channels: type.channels, bitDepth: depth,
                                  seed: UInt64(width * 1000 + height * 10 + depth))
        var generator = SyntheticImages.Generator(seed: 99)
        let palette = (0..<(1 << min(depth, 8))).map { _ in
            (UInt8.random(in: 0...255, using: &generator), UInt8.random(in: 0...255, using: &generator),
             UInt8.random(in: 0...255, using: &generator))
        }
        var transparency: [UInt16]?
        if variant.withTransparency {
            switch type {
            case .palette: transparency = (0..<min(palette.count, 5)).map { UInt16($0 * 60) }  // entries 0–4 partly transparent
            case .gray: transparency = [values[0]]                                               // first pixel's gray is transparent
            default: transparency = Array(values[0..<3])                                         // first pixel's RGB is transparent
            }
        }
        let png = PNGTestWriter.encode(width: width, height: height, colorType: type, bitDepth: depth, samples: values,
                                       palette: palette, transparency: transparency, interlaced: variant.interlaced)
        let image = try ImageDecoder.decode(data: png, name: "\(variant.testDescription) \(width)x\(height)")
        try #require(image.width == width && image.height == height)

        let tolerance = depth == 16 ? 1 : 0
        var worst = 0
        for p in 0..<(width * height) {
            let s = Array(values[(p * type.channels)..<((p + 1) * type.channels)])
            let expected: [Int]
            switch type {
            case .gray:
                let g = Self.to8Bit(s[0], bitDepth: depth)
                expected = transparency?.first == s[0] ? [255, 255, 255] : [g, g, g]
            case .rgb:
                expected = transparency.map { Array($0) == s } == true
                    ? [255, 255, 255] : s.map { Self.to8Bit($0, bitDepth: depth) }
            case .palette:
                let entry = palette[Int(s[0])]
                let alpha = transparency.flatMap { Int(s[0]) < $0.count ? Int($0[Int(s[0])]) : nil } ?? 255
                expected = [entry.0, entry.1, entry.2].map { Self.over(Int($0), alpha: alpha) }
            case .grayAlpha:
                let g = Self.to8Bit(s[0], bitDepth: depth), a = Self.to8Bit(s[1], bitDepth: depth)
                expected = [Self.over(g, alpha: a), Self.over(g, alpha: a), Self.over(g, alpha: a)]
            case .rgba:
                let a = Self.to8Bit(s[3], bitDepth: depth)
                expected = s[0..<3].map { Self.over(Self.to8Bit($0, bitDepth: depth), alpha: a) }
            }
            for c in 0..<3 { worst = max(worst, abs(Int(image.pixels[p * 3 + c]) - expected[c])) }
        }
        #expect(worst <= tolerance, "\(variant.testDescription) \(width)x\(height): worst |Δ| \(worst)")
    }

    @Test func inspectReportsHeader() throws {
        let png = PNGTestWriter.encode(width: 5, height: 3, colorType: .grayAlpha, bitDepth: 16,
                                       samples: [UInt16](repeating: 7, count: 30), interlaced: true)
        let info = try ImageDecoder.inspect(data: png, name: "ga16.png")
        #expect(info.format == .png && info.width == 5 && info.height == 3 && info.orientation == 1)
        #expect(info.details["color"] == "gray+alpha" && info.details["bit_depth"] == "16" && info.details["interlaced"] == "adam7")
    }

    @Test func backgroundIsConfigurable() throws {
        let png = PNGTestWriter.encode(width: 2, height: 1, colorType: .rgba, bitDepth: 8, samples: [10, 20, 30, 0, 10, 20, 30, 255])
        let black = try ImageDecoder.decode(data: png, name: "a.png", options: DecodeOptions(background: .black))
        #expect(black.pixels == [0, 0, 0, 10, 20, 30])
        let white = try ImageDecoder.decode(data: png, name: "a.png")
        #expect(white.pixels == [255, 255, 255, 10, 20, 30])
    }

    @Test func encoderRoundTrips() throws {
        for image in [SyntheticImages.noise(width: 37, height: 23, seed: 5), SyntheticImages.gradient(width: 1, height: 9)] {
            let png = try PNGEncoder.encode(image)
            #expect(ImageFormat.sniff(png) == .png)
            #expect(try ImageDecoder.decode(data: png, name: "roundtrip.png") == image)
        }
    }
}
