import Imaging
import SearchTesting
import Testing

/// `vsearch resize`'s library path: DCT-scaled decode + resize, and the atomic PNG write.
@Suite struct DecodeResizedTests {
    @Test func cropAndFitOnLargeJPEG() throws {
        let source = SyntheticImages.gradient(width: 1200, height: 900)
        let jpeg = try JPEGEncoder.encode(source, quality: 92)
        let crop = try ImageDecoder.decodeResized(data: jpeg, name: "big.jpg", size: 224, mode: .crop)
        #expect(crop.width == 224 && crop.height == 224)
        // Decoded at 1/2 (450 ≥ 256) instead of full size: close to the full-size pipeline.
        let reference = try ImageDecoder.decode(data: jpeg, name: "big.jpg").modelInput()
        #expect(ImageComparison.meanAbsoluteDifference(crop, reference) < 1.5)

        let thumb = try ImageDecoder.decodeResized(data: jpeg, name: "big.jpg", size: 128, mode: .fit)
        #expect(thumb.width == 128 && thumb.height == 96)
        let thumbReference = try ImageDecoder.decode(data: jpeg, name: "big.jpg").fitted(within: 128)
        #expect(ImageComparison.meanAbsoluteDifference(thumb, thumbReference) < 1.5)

        // N other than 224: shorter side round(100·256/224) = 114, then the 100×100 centre.
        let small = try ImageDecoder.decodeResized(data: jpeg, name: "big.jpg", size: 100, mode: .crop)
        let smallReference = try ImageDecoder.decode(data: jpeg, name: "big.jpg").modelInput(resizeShorterSideTo: 114, crop: 100)
        #expect(small.width == 100 && ImageComparison.meanAbsoluteDifference(small, smallReference) < 1.5)
    }

    @Test func realSamplesDecodeAndResize() throws {
        for name in ["apple.jpg", "baboon.jpg", "building.jpg", "butterfly.jpg", "fruits.jpg", "messi5.jpg", "orange.jpg",
                     "squirrel_cls.jpg", "starry_night.jpg", "basketball1.png", "chicky_512.png", "smarties.png"] {
            let path = FixturePaths.sample(name)
            let info = try ImageDecoder.inspect(path: path)
            let image = try ImageDecoder.decode(path: path)
            #expect(image.width == info.displayWidth && image.height == info.displayHeight, "\(name)")
            let crop = try ImageDecoder.decodeResized(path: path, size: 224, mode: .crop)
            #expect(crop.width == 224 && crop.height == 224)
            // Not a flat or garbage image: real photos have spread in every channel.
            for c in 0..<3 {
                let channel = stride(from: c, to: crop.pixels.count, by: 3).map { crop.pixels[$0] }
                #expect(channel.max()! - channel.min()! > 60, "\(name) channel \(c)")
            }
        }
    }

    @Test func atomicPNGWrite() throws {
        let dir = TestDirectory()
        defer { dir.remove() }
        let image = SyntheticImages.noise(width: 21, height: 13, seed: 8)
        let path = "\(dir.path)/out.png"
        try PNGEncoder.write(SyntheticImages.gradient(width: 4, height: 4), to: path)
        try PNGEncoder.write(image, to: path)  // replaces the first file
        #expect(dir.entries() == ["out.png"])  // no temporary file left behind
        #expect(try ImageDecoder.decode(path: path) == image)
        do {
            try PNGEncoder.write(image, to: "\(dir.path)/missing-dir/out.png")
            Issue.record("wrote into a missing directory")
        } catch {
            #expect(error.reason == .writeFailed && error.description.contains("missing-dir/out.png"))
        }
    }
}
