import Imaging
import Testing

/// The reference crops in `Tests/Fixtures/Reference/effnet-lite0/crops` were made by Pillow from the photos
/// beside them: shorter side to 256 (antialiased bilinear), centre crop 224. Our `modelInput` must
/// reproduce them to within rounding: same geometry, same filter.
@Suite struct ReferenceCropTests {
    static let names = ["astronaut", "camera", "chelsea", "clock", "coffee", "coins", "motorcycle", "rocket"]

    @Test(arguments: names)
    func modelInputMatchesPillowCrop(name: String) throws {
        let photo = try ImageDecoder.decode(path: FixturePaths.reference("effnet-lite0/photos/\(name).png"))
        let expected = try ImageDecoder.decode(path: FixturePaths.reference("effnet-lite0/crops/\(name).png"))
        let ours = photo.modelInput()
        #expect(ours.width == 224 && ours.height == 224)
        #expect(expected.width == 224 && expected.height == 224)
        var total = 0, worst = 0
        for i in ours.pixels.indices {
            let d = abs(Int(ours.pixels[i]) - Int(expected.pixels[i]))
            total += d
            worst = max(worst, d)
        }
        let mean = Double(total) / Double(ours.pixels.count)
        // Pillow resamples horizontally first, we vertically first: only 8-bit rounding of the
        // intermediate differs. A channel swap, an off-by-one crop or a wrong filter gives means of 5–50.
        #expect(mean < 0.3, "mean |Δ| \(mean), worst \(worst)")
        #expect(worst <= 1, "mean |Δ| \(mean), worst \(worst)")
    }

    @Test func modelInputEqualsResizeThenCrop() throws {
        let photo = try ImageDecoder.decode(path: FixturePaths.reference("effnet-lite0/photos/chelsea.png"))
        #expect(photo.modelInput() == photo.resizedShorterSide(to: 256).centerCropped(to: 224))
        #expect(photo.modelInput(resizeShorterSideTo: 100, crop: 64, filter: .bicubic)
                == photo.resizedShorterSide(to: 100, filter: .bicubic).centerCropped(to: 64))
    }
}
