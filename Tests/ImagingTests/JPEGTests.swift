import Foundation
import Imaging
import SearchTesting
import Testing

/// Real JPEGs against Pillow's decode (fixture), every JPEG flavour the encoder can make, EXIF
/// orientations 1–8 in both byte orders, and DCT-domain downscaling.
@Suite struct JPEGTests {
    struct PillowDecode: Decodable {
        let width: Int
        let height: Int
        let channel_sums: [Int]
        let samples: [[Int]]
    }

    static let pillow: [String: PillowDecode] = {
        struct File: Decodable { let files: [String: PillowDecode] }
        let data = FileManager.default.contents(atPath: FixturePaths.fixture("pillow-decodes.json")) ?? Data()
        return (try? JSONDecoder().decode(File.self, from: data).files) ?? [:]
    }()

    @Test func pillowFixtureCoversRealFiles() {
        // Nine bundled samples plus progressive, grayscale and CMYK fixtures.
        #expect(Self.pillow.count >= 12)
    }

    @Test(arguments: pillow.keys.sorted())
    func matchesPillowDecode(_ relativePath: String) throws {
        let reference = try #require(Self.pillow[relativePath])
        let image = try ImageDecoder.decode(path: "\(FixturePaths.repositoryRoot)/\(relativePath)")
        try #require(image.width == reference.width && image.height == reference.height)
        let count = Double(image.width * image.height)
        for c in 0..<3 {
            var sum = 0
            for i in stride(from: c, to: image.pixels.count, by: 3) { sum += Int(image.pixels[i]) }
            // Same libjpeg-turbo algorithms (islow IDCT, fancy upsampling) on both sides.
            #expect(abs(Double(sum - reference.channel_sums[c])) / count < 0.05,
                    "channel \(c) mean \(Double(sum) / count) vs Pillow \(Double(reference.channel_sums[c]) / count)")
        }
        var worst = 0
        for sample in reference.samples {
            let pixel = image[sample[0], sample[1]]
            worst = max(worst, abs(Int(pixel.red) - sample[2]), abs(Int(pixel.green) - sample[3]), abs(Int(pixel.blue) - sample[4]))
        }
        #expect(worst <= 1, "largest sampled |Δ| vs Pillow: \(worst)")
    }

    // MARK: Flavours made by our encoder

    @Test(arguments: [false, true])
    func rgbRoundTrip(progressive: Bool) throws {
        let source = SyntheticImages.gradient(width: 67, height: 45)
        let jpeg = try JPEGEncoder.encode(source, quality: 95, progressive: progressive)
        let decoded = try ImageDecoder.decode(data: jpeg, name: "gradient.jpg")
        #expect(decoded.width == 67 && decoded.height == 45)
        #expect(ImageComparison.meanAbsoluteDifference(decoded, source) < 1.5)
        let info = try ImageDecoder.inspect(data: jpeg, name: "gradient.jpg")
        #expect(info.details["progressive"] == (progressive ? "yes" : "no") && info.details["color"] == "ycbcr")
    }

    @Test(arguments: [false, true])
    func grayscale(progressive: Bool) throws {
        let gray = (0..<(40 * 30)).map { UInt8(($0 % 40) * 6) }
        let jpeg = try JPEGEncoder.encode(samples: gray, width: 40, height: 30, layout: .grayscale, quality: 98,
                                          progressive: progressive)
        let decoded = try ImageDecoder.decode(data: jpeg, name: "gray.jpg")
        var worst = 0
        for i in 0..<(40 * 30) {
            let p = decoded.pixels[(3 * i)..<(3 * i + 3)]
            #expect(p.allSatisfy { $0 == p.first }, "gray pixel \(i) is not neutral")
            worst = max(worst, abs(Int(p.first!) - Int(gray[i])))
        }
        #expect(worst <= 6)
        #expect(try ImageDecoder.inspect(data: jpeg, name: "gray.jpg").details["color"] == "gray")
    }

    /// Adobe CMYK stores inverted samples (255 = no ink); RGB = C'·K'/255. With K' = 255 (no black)
    /// the cyan/magenta/yellow samples come back as red/green/blue; with K' = 128 at about half.
    @Test(arguments: [false, true])
    func adobeCMYKAndYCCK(ycck: Bool) throws {
        let source = SyntheticImages.gradient(width: 48, height: 32)
        for black in [255, 128] {
            var cmyk = [UInt8]()
            for i in 0..<(48 * 32) {
                cmyk += source.pixels[(3 * i)..<(3 * i + 3)]
                cmyk.append(UInt8(black))
            }
            let jpeg = try JPEGEncoder.encode(samples: cmyk, width: 48, height: 32, layout: .cmyk(ycck: ycck), quality: 98)
            let info = try ImageDecoder.inspect(data: jpeg, name: "cmyk.jpg")
            #expect(info.details["color"] == (ycck ? "ycck" : "cmyk"))
            let decoded = try ImageDecoder.decode(data: jpeg, name: "cmyk.jpg")
            let expected = Image(width: 48, height: 32, pixels: source.pixels.map { UInt8((Int($0) * black + 127) / 255) })
            #expect(ImageComparison.meanAbsoluteDifference(decoded, expected) < 2, "K'=\(black)")
        }
    }

    // MARK: EXIF orientation

    static let orientationCases = (1...8).flatMap { o in [(o, true), (o, false)] }

    /// Where the stored top-left and top-right quadrants must end up after each orientation is applied.
    static func expectedCorners(_ orientation: Int) -> (topLeftGoesTo: String, topRightGoesTo: String) {
        switch orientation {
        case 2: ("TR", "TL")
        case 3: ("BR", "BL")
        case 4: ("BL", "BR")
        case 5: ("TL", "BL")
        case 6: ("TR", "BR")
        case 7: ("BR", "TR")
        case 8: ("BL", "TL")
        default: ("TL", "TR")
        }
    }

    @Test(arguments: orientationCases)
    func appliesEXIFOrientation(orientation: Int, bigEndian: Bool) throws {
        let stored = SyntheticImages.quadrants(width: 64, height: 32)
        let plain = try JPEGEncoder.encode(stored, quality: 95)
        let jpeg = JPEGTestData.inserting(JPEGTestData.exifSegment(orientation: orientation, bigEndian: bigEndian), into: plain)
        #expect(EXIFOrientation.read(fromJPEG: jpeg) == orientation)
        #expect(try ImageDecoder.inspect(data: jpeg, name: "o.jpg").orientation == orientation)

        let image = try ImageDecoder.decode(data: jpeg, name: "o.jpg")
        let swaps = orientation >= 5
        #expect(image.width == (swaps ? 32 : 64) && image.height == (swaps ? 64 : 32))
        func corner(_ name: String) -> RGBColor {
            let x = name.hasSuffix("L") ? image.width / 4 : image.width * 3 / 4
            let y = name.hasPrefix("T") ? image.height / 4 : image.height * 3 / 4
            return image[x, y]
        }
        func close(_ a: RGBColor, _ b: RGBColor) -> Bool {
            abs(Int(a.red) - Int(b.red)) < 12 && abs(Int(a.green) - Int(b.green)) < 12 && abs(Int(a.blue) - Int(b.blue)) < 12
        }
        let expected = Self.expectedCorners(orientation)
        #expect(close(corner(expected.topLeftGoesTo), SyntheticImages.quadrantColors.topLeft))
        #expect(close(corner(expected.topRightGoesTo), SyntheticImages.quadrantColors.topRight))

        let unrotated = try ImageDecoder.decode(data: jpeg, name: "o.jpg", options: DecodeOptions(appliesEXIFOrientation: false))
        #expect(unrotated.width == 64 && unrotated.height == 32)
        #expect(unrotated.applyingEXIFOrientation(orientation) == image)
    }

    @Test func malformedEXIFIsIgnored() throws {
        let plain = try JPEGEncoder.encode(SyntheticImages.quadrants(width: 16, height: 8))
        var segment = JPEGTestData.exifSegment(orientation: 6)
        // The orientation value sits at bytes 40–41 of the segment; every cut before its end must read as 1.
        for cut in 4...41 {
            // Shrink the segment (its declared length too) so every parse offset becomes out of bounds somewhere.
            var short = Array(segment[0..<cut])
            short[2] = UInt8((cut - 2) >> 8)
            short[3] = UInt8((cut - 2) & 0xFF)
            let jpeg = JPEGTestData.inserting(short, into: plain)
            #expect(EXIFOrientation.read(fromJPEG: jpeg) == 1)
            #expect(try ImageDecoder.decode(data: jpeg, name: "short-exif.jpg").width == 16, "cut \(cut)")
        }
        segment[segment.count - 7] = 9  // orientation 9 does not exist (big-endian SHORT low byte)
        #expect(EXIFOrientation.read(fromJPEG: JPEGTestData.inserting(segment, into: plain)) == 1)
    }

    // MARK: DCT scaling

    @Test func dctScalingPicksLargestReductionAboveMinimum() throws {
        let source = SyntheticImages.gradient(width: 801, height: 600)
        let jpeg = try JPEGEncoder.encode(source, quality: 90)
        let cases: [(minimum: Int?, width: Int, height: Int)] = [
            (nil, 801, 600), (600, 801, 600), (601, 801, 600), (300, 401, 300), (256, 401, 300),
            (150, 201, 150), (151, 401, 300), (75, 101, 75), (10, 101, 75),
        ]
        for c in cases {
            let image = try ImageDecoder.decode(data: jpeg, name: "big.jpg", options: DecodeOptions(minimumShorterSide: c.minimum))
            #expect(image.width == c.width && image.height == c.height, "minimum \(String(describing: c.minimum))")
        }
        // A 1/4-scale decode is close to a full decode resized to the same size.
        let quarter = try ImageDecoder.decode(data: jpeg, name: "big.jpg", options: DecodeOptions(minimumShorterSide: 150))
        let full = try ImageDecoder.decode(data: jpeg, name: "big.jpg").resized(width: quarter.width, height: quarter.height)
        #expect(ImageComparison.meanAbsoluteDifference(quarter, full) < 2)
    }

    @Test func progressiveScanLimit() throws {
        let jpeg = try JPEGEncoder.encode(SyntheticImages.gradient(width: 32, height: 32), progressive: true)
        #expect(throws: ImagingError.self) {
            try ImageDecoder.decode(data: jpeg, name: "scans.jpg", options: DecodeOptions(maxProgressiveScans: 2))
        }
        do {
            _ = try ImageDecoder.decode(data: jpeg, name: "scans.jpg", options: DecodeOptions(maxProgressiveScans: 2))
        } catch {
            #expect(error.reason == .decodingLimit && error.description.contains("scans.jpg"))
        }
        #expect(try ImageDecoder.decode(data: jpeg, name: "scans.jpg").width == 32)
    }
}
