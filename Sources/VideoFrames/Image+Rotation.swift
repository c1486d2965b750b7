import Imaging

extension Image {
    /// The image turned clockwise by a multiple of 90 degrees (a video's display rotation).
    func rotatedClockwise(degrees: Int) -> Image {
        let turns = ((degrees / 90) % 4 + 4) % 4
        guard turns != 0 else { return self }
        let (w, h) = (width, height)
        let (outW, outH) = turns == 2 ? (w, h) : (h, w)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<h {
            for x in 0..<w {
                let (nx, ny): (Int, Int)
                switch turns {
                case 1: (nx, ny) = (h - 1 - y, x)
                case 2: (nx, ny) = (w - 1 - x, h - 1 - y)
                default: (nx, ny) = (y, w - 1 - x)
                }
                let source = (y * w + x) * 3, target = (ny * outW + nx) * 3
                out[target] = pixels[source]
                out[target + 1] = pixels[source + 1]
                out[target + 2] = pixels[source + 2]
            }
        }
        return Image(width: outW, height: outH, pixels: out)
    }
}
