import Imaging
import SearchEngine
import SearchTesting
import Testing

@Suite struct ImageTransformTests {
    let photo = SyntheticImages.noise(width: 120, height: 80, seed: 3)

    @Test func geometryOfEachEdit() throws {
        let flipped = try ImageTransform.flip.apply(photo)
        #expect(flipped[0, 5] == photo[119, 5] && flipped[119, 79] == photo[0, 79])
        #expect(try ImageTransform.flip.apply(flipped) == photo)
        let cropped = try ImageTransform.crop.apply(photo)
        #expect(cropped.width == 90 && cropped.height == 60)
        #expect(cropped[0, 0] == photo[12, 8])  // top-left at 10%, 10%
        let small = try ImageTransform.resize.apply(photo)
        #expect(small.width == 48 && small.height == 32)
        let rotated = try ImageTransform.rotate.apply(photo)
        #expect(rotated.width == 120 && rotated.height == 80)
        #expect(rotated[0, 0] == .black)  // a corner uncovered by the rotated picture
        let jpeg = try ImageTransform.jpeg.apply(photo)
        #expect(jpeg.width == 120 && ImageComparison.meanAbsoluteDifference(jpeg, photo) > 1)
    }

    @Test func pixelEdits() throws {
        // v = 100 → 1.4·(100 − 128) + 128 + 25 = 113.8 → 114; 250 → 323.8 → clamped 255.
        let grey = Image(width: 2, height: 1, pixels: [100, 100, 100, 250, 250, 250])
        #expect(try ImageTransform.brightnessContrast.apply(grey).pixels == [114, 114, 114, 255, 255, 255])
        let plain = Image(width: 200, height: 100, filledWith: RGBColor(red: 40, green: 90, blue: 160))
        let marked = try ImageTransform.text.apply(plain)
        var white = 0, black = 0
        for y in 0..<100 {
            for x in 0..<200 {
                if marked[x, y] == .white { white += 1; #expect(y >= 60, "text sits in the lower part") }
                if marked[x, y] == .black { black += 1 }
            }
        }
        #expect(white > 200 && black > 20)
    }
}
