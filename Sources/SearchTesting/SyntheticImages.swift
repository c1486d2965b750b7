import Imaging

/// Deterministic synthetic pictures for tests (no files, no randomness across runs).
public enum SyntheticImages {
    /// A smooth colour gradient with a soft diagonal feature: JPEG-friendly, every channel different.
    public static func gradient(width: Int, height: Int) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / max(width - 1, 1))
                pixels[i + 1] = UInt8(y * 255 / max(height - 1, 1))
                pixels[i + 2] = UInt8((x + y) * 255 / max(width + height - 2, 1))
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// Four flat quadrants: top-left red, top-right green, bottom-left blue, bottom-right white.
    /// Asymmetric under every flip and rotation, so orientation mistakes show.
    public static let quadrantColors = (
        topLeft: RGBColor(red: 220, green: 30, blue: 30), topRight: RGBColor(red: 30, green: 200, blue: 40),
        bottomLeft: RGBColor(red: 30, green: 40, blue: 210), bottomRight: RGBColor(red: 240, green: 240, blue: 240)
    )

    public static func quadrants(width: Int, height: Int) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let c = quadrantColors
        for y in 0..<height {
            for x in 0..<width {
                let color = y < height / 2 ? (x < width / 2 ? c.topLeft : c.topRight)
                                           : (x < width / 2 ? c.bottomLeft : c.bottomRight)
                let i = (y * width + x) * 3
                pixels[i] = color.red
                pixels[i + 1] = color.green
                pixels[i + 2] = color.blue
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// Alternating black and white squares of `cell` pixels.
    public static func checkerboard(width: Int, height: Int, cell: Int = 1) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width where ((x / cell) + (y / cell)) % 2 == 0 {
                let i = (y * width + x) * 3
                pixels[i] = 255
                pixels[i + 1] = 255
                pixels[i + 2] = 255
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// Seeded pseudo-random noise (SplitMix64), the same for the same seed everywhere.
    public static func noise(width: Int, height: Int, seed: UInt64) -> Image {
        var generator = Generator(seed: seed)
        let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// The seeded SplitMix64 generator shared by the test helpers (``RandomVectors/Generator``).
    public typealias Generator = RandomVectors.Generator
}

/// Pixel-difference measures for comparing decoders and resizers.
public enum ImageComparison {
    /// Mean of |a − b| over all samples (images must have the same size).
    public static func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
        precondition(a.width == b.width && a.height == b.height, "sizes differ")
        var total = 0
        for i in a.pixels.indices { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(total) / Double(max(a.pixels.count, 1))
    }

    /// Largest |a − b| over all samples.
    public static func maxAbsoluteDifference(_ a: Image, _ b: Image) -> Int {
        precondition(a.width == b.width && a.height == b.height, "sizes differ")
        var worst = 0
        for i in a.pixels.indices { worst = max(worst, abs(Int(a.pixels[i]) - Int(b.pixels[i]))) }
        return worst
    }
}
