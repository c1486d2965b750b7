extension Image {
    /// The sub-rectangle at column `x`, row `y`, `width`×`height` (must lie inside the image).
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> Image {
        precondition(x >= 0 && y >= 0 && width >= 0 && height >= 0 && x + width <= self.width && y + height <= self.height,
                     "crop \(x),\(y) \(width)x\(height) outside \(self.width)x\(self.height)")
        if x == 0 && y == 0 && width == self.width && height == self.height { return self }
        var out = [UInt8]()
        out.reserveCapacity(width * height * 3)
        for row in y..<(y + height) {
            let start = (row * self.width + x) * 3
            out.append(contentsOf: pixels[start..<(start + width * 3)])
        }
        return Image(width: width, height: height, pixels: out)
    }

    /// The centred `size`×`size` square (offsets `round((W − size) / 2)`, ties to even), or the centred
    /// `min(size, W)`×`min(size, H)` rectangle when the image is smaller than `size`.
    public func centerCropped(to size: Int) -> Image {
        let w = min(size, width), h = min(size, height)
        return cropped(x: Image.centredOffset(width, w), y: Image.centredOffset(height, h), width: w, height: h)
    }

    /// `round((outer − inner) / 2)` with ties to even (Python's `round`, as the reference crops use).
    static func centredOffset(_ outer: Int, _ inner: Int) -> Int {
        Int((Double(outer - inner) / 2).rounded(.toNearestOrEven))
    }
}
