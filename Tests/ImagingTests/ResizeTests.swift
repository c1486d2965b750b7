import Imaging
import SearchTesting
import Testing

/// The resizer against a slow floating-point oracle, plus the properties an antialiased resizer must have.
@Suite struct ResizeTests {
    /// Straightforward double-precision separable convolution with Pillow's geometry (no fixed point,
    /// no intermediate rounding, no windowing, no column/row restriction): the oracle for the fast kernel.
    static func oracle(_ image: Image, width: Int, height: Int, support: Double, filter: (Double) -> Double) -> [Double] {
        func axis(_ inSize: Int, _ outSize: Int) -> [[(Int, Double)]] {
            let scale = Double(inSize) / Double(outSize), fs = max(scale, 1), s = support * fs
            return (0..<outSize).map { o in
                let center = (Double(o) + 0.5) * scale
                let lo = max(Int(center - s + 0.5), 0), hi = min(Int(center + s + 0.5), inSize)
                let taps = (lo..<hi).map { ($0, filter((Double($0) - center + 0.5) / fs)) }
                let total = taps.reduce(0) { $0 + $1.1 }
                return taps.map { ($0.0, $0.1 / total) }
            }
        }
        let h = axis(image.width, width), v = axis(image.height, height)
        // Vertical first, like the kernel; the intermediate is clipped to 0…255 (an 8-bit image between the
        // passes), not rounded. The order matters only where a negative-lobe filter overshoots and clips.
        var middle = [Double](repeating: 0, count: image.width * height * 3)
        for y in 0..<height { for x in 0..<image.width { for c in 0..<3 {
            middle[(y * image.width + x) * 3 + c] = min(max(v[y].reduce(0) { $0 + $1.1 * Double(image.pixels[($1.0 * image.width + x) * 3 + c]) }, 0), 255)
        } } }
        var out = [Double](repeating: 0, count: width * height * 3)
        for y in 0..<height { for x in 0..<width { for c in 0..<3 {
            out[(y * width + x) * 3 + c] = min(max(h[x].reduce(0) { $0 + $1.1 * middle[(y * image.width + $1.0) * 3 + c] }, 0), 255)
        } } }
        return out
    }

    static let filters: [(ResizeFilter, Double, @Sendable (Double) -> Double)] = [
        (.bilinear, 1, { max(0, 1 - abs($0)) }),
        (.bicubic, 2, { x in
            let a = -0.5, d = abs(x)
            return d < 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : (d < 2 ? (((d - 5) * d + 8) * d - 4) * a : 0)
        }),
        (.box, 0.5, { $0 > -0.5 && $0 <= 0.5 ? 1 : 0 }),
    ]

    @Test(arguments: [(61, 47, 17, 13), (61, 47, 30, 40), (20, 16, 53, 37), (300, 7, 23, 7), (9, 9, 9, 3)])
    func matchesFloatingPointOracle(size: (Int, Int, Int, Int)) {
        let image = SyntheticImages.noise(width: size.0, height: size.1, seed: UInt64(size.0 * size.2))
        for (filter, support, function) in Self.filters {
            let fast = image.resized(width: size.2, height: size.3, filter: filter)
            let slow = Self.oracle(image, width: size.2, height: size.3, support: support, filter: function)
            var total = 0.0, worst = 0.0
            for i in slow.indices {
                let d = abs(Double(fast.pixels[i]) - slow[i])
                total += d
                worst = max(worst, d)
            }
            // Fixed point plus an 8-bit intermediate: within about 1 level of exact, about 0.3 on average.
            #expect(total / Double(slow.count) < 0.35 && worst < 1.3, "\(filter) \(size): mean \(total / Double(slow.count)) worst \(worst)")
        }
    }

    @Test(arguments: ResizeFilter.allCases)
    func flatImageStaysFlat(filter: ResizeFilter) {
        let color = RGBColor(red: 200, green: 17, blue: 99)
        let image = Image(width: 37, height: 29, filledWith: color)
        for (w, h) in [(5, 4), (36, 29), (100, 61), (1, 1), (37, 3)] {
            let out = image.resized(width: w, height: h, filter: filter)
            #expect(out == Image(width: w, height: h, filledWith: color), "\(filter) \(w)x\(h)")
        }
    }

    @Test func largeReductionsAverageInsteadOfAliasing() {
        // A one-pixel checkerboard shrunk 8×: every output pixel sees many source pixels → mid-gray.
        // A resizer without a widened support would return pure black/white samples.
        let board = SyntheticImages.checkerboard(width: 256, height: 192)
        for filter in ResizeFilter.allCases {
            let small = board.resized(width: 32, height: 24, filter: filter)
            #expect(small.pixels.allSatisfy { (124...131).contains($0) }, "\(filter): \(small.pixels.min()!)–\(small.pixels.max()!)")
        }
    }

    @Test func shorterSideAndFitSizes() {
        #expect(Image.sizeWithShorterSide(256, width: 451, height: 300) == (385, 256))
        #expect(Image.sizeWithShorterSide(256, width: 300, height: 451) == (256, 385))
        #expect(Image.sizeWithShorterSide(256, width: 512, height: 512) == (256, 256))
        #expect(Image.sizeWithShorterSide(4, width: 10, height: 5) == (8, 4))
        let wide = Image(width: 1000, height: 500, filledWith: .black)
        #expect(wide.fitted(within: 100).width == 100 && wide.fitted(within: 100).height == 50)
        let tall = Image(width: 3, height: 1000, filledWith: .black)
        #expect(tall.fitted(within: 100).width == 1 && tall.fitted(within: 100).height == 100)
        let small = Image(width: 30, height: 20, filledWith: .white)
        #expect(small.fitted(within: 100) == small)
        #expect(small.resizedShorterSide(to: 40).width == 60)
    }

    @Test func centreCropGeometry() {
        let image = SyntheticImages.noise(width: 7, height: 4, seed: 1)
        let crop = image.centerCropped(to: 2)
        // Offsets round((7-2)/2) = round(2.5) = 2 (ties to even) and round((4-2)/2) = 1.
        #expect(crop == image.cropped(x: 2, y: 1, width: 2, height: 2))
        #expect(crop[0, 0] == image[2, 1] && crop[1, 1] == image[3, 2])
        #expect(image.centerCropped(to: 10) == image)
        let model = SyntheticImages.gradient(width: 100, height: 80).modelInput()
        #expect(model.width == 224 && model.height == 224)
    }

    @Test func orientationTransformsMoveKnownPixels() {
        // 3×2 image, pixel value = index: rows [0 1 2] / [3 4 5].
        let image = Image(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
        func values(_ o: Int) -> [UInt8] { stride(from: 0, to: 18, by: 3).map { image.applyingEXIFOrientation(o).pixels[$0] } }
        #expect(values(1) == [0, 1, 2, 3, 4, 5])
        #expect(values(2) == [2, 1, 0, 5, 4, 3])
        #expect(values(3) == [5, 4, 3, 2, 1, 0])
        #expect(values(4) == [3, 4, 5, 0, 1, 2])
        #expect(values(5) == [0, 3, 1, 4, 2, 5])   // transpose, 2 wide × 3 high
        #expect(values(6) == [3, 0, 4, 1, 5, 2])   // 90° clockwise
        #expect(values(7) == [5, 2, 4, 1, 3, 0])   // transverse
        #expect(values(8) == [2, 5, 1, 4, 0, 3])   // 90° counter-clockwise
        #expect(image.applyingEXIFOrientation(6).width == 2)
    }

    @Test func normalizedPlanesAreChannelMajor() {
        let image = Image(width: 2, height: 1, pixels: [0, 127, 255, 10, 20, 30])
        let planes = image.normalizedPlanes(mean: [127, 127, 127], std: [128, 128, 128])
        let expected: [Float] = [-127, -117, 0, -107, 128, -97].map { $0 / 128 }
        #expect(planes == expected)
        let imagenet = image.normalizedPlanes(mean: [1, 2, 3], std: [2, 4, 8])
        #expect(imagenet == [-0.5, 4.5, 31.25, 4.5, 31.5, 3.375])
    }
}
