import Imaging
import Testing
@testable import VideoFrames

@Suite struct RotationTests {
    /// A 2×1 image: red on the left, blue on the right.
    private let image = Image(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])

    @Test func quarterTurnClockwisePutsTheLeftPixelOnTop() {
        let turned = image.rotatedClockwise(degrees: 90)
        #expect(turned.width == 1 && turned.height == 2)
        #expect(turned.pixels == [255, 0, 0, 0, 0, 255])  // red above blue
    }

    @Test func halfTurnSwapsLeftAndRight() {
        #expect(image.rotatedClockwise(degrees: 180).pixels == [0, 0, 255, 255, 0, 0])
    }

    @Test func threeQuarterTurnPutsTheLeftPixelAtTheBottom() {
        let turned = image.rotatedClockwise(degrees: 270)
        #expect(turned.width == 1 && turned.height == 2)
        #expect(turned.pixels == [0, 0, 255, 255, 0, 0])  // blue above red
    }

    @Test func fullTurnsAreIdentity() {
        #expect(image.rotatedClockwise(degrees: 0) == image)
        #expect(image.rotatedClockwise(degrees: 360) == image)
    }
}
