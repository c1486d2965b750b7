extension Image {
    /// The image turned upright for an EXIF orientation value (1–8; anything else returns `self`).
    ///
    /// 2 mirror horizontally, 3 rotate 180°, 4 mirror vertically, 5 transpose, 6 rotate 90° clockwise,
    /// 7 transverse, 8 rotate 90° counter-clockwise. Orientations 5–8 swap width and height.
    public func applyingEXIFOrientation(_ orientation: Int) -> Image {
        guard (2...8).contains(orientation), width > 0, height > 0 else { return self }
        let w = width, h = height
        // The output pixel (x, y) shows source pixel (sx, sy) = (a·x + b·y + c, d·x + e·y + f).
        let (a, b, c, d, e, f): (Int, Int, Int, Int, Int, Int) = switch orientation {
        case 2: (-1, 0, w - 1, 0, 1, 0)
        case 3: (-1, 0, w - 1, 0, -1, h - 1)
        case 4: (1, 0, 0, 0, -1, h - 1)
        case 5: (0, 1, 0, 1, 0, 0)
        case 6: (0, 1, 0, -1, 0, h - 1)
        case 7: (0, -1, w - 1, -1, 0, h - 1)
        default: (0, -1, w - 1, 1, 0, 0)
        }
        let outWidth = orientation >= 5 ? h : w, outHeight = orientation >= 5 ? w : h
        // Source pixel index sy·w + sx is affine in x: a start per row and a fixed step per output pixel.
        let step = d * w + a, rowStep = e * w + b, origin = f * w + c
        let out = [UInt8](unsafeUninitializedCapacity: pixels.count) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<outHeight {
                    var s = origin + rowStep * y
                    let row = dst.baseAddress! + y * outWidth * 3
                    for x in 0..<outWidth {
                        row[3 * x] = src[3 * s]
                        row[3 * x + 1] = src[3 * s + 1]
                        row[3 * x + 2] = src[3 * s + 2]
                        s += step
                    }
                }
            }
            count = pixels.count
        }
        return Image(width: outWidth, height: outHeight, pixels: out)
    }
}
