import Imaging

extension Image {
    /// The image turned clockwise by a multiple of 90 degrees (a video's display rotation), through the
    /// EXIF orientation transform Imaging already has: 90° clockwise is orientation 6, 180° is 3, 270° is 8.
    func rotatedClockwise(degrees: Int) -> Image {
        switch ((degrees / 90) % 4 + 4) % 4 {
        case 1: applyingEXIFOrientation(6)
        case 2: applyingEXIFOrientation(3)
        case 3: applyingEXIFOrientation(8)
        default: self
        }
    }
}
