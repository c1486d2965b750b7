import Foundation
import Imaging

/// The edits the near-duplicate check applies to a photo: what re-posted copies of a picture typically
/// went through. Plain pixel operations on RGB buffers, written here because they are test transforms
/// (the product never edits pixels); resizing and JPEG coding use the `Imaging` target's real codecs.
public enum ImageTransform: String, Sendable, CaseIterable, Codable {
    /// Off-centre crop keeping 75% of width and height (top-left at 10%, 10%).
    case crop
    /// Downscaled to 40% of each side (antialiased bilinear).
    case resize
    /// Re-compressed as JPEG at quality 20 (libjpeg-turbo) and decoded again.
    case jpeg
    /// Brightness +25 and contrast ×1.4 around mid-grey: v' = clamp(1.4·(v − 128) + 128 + 25).
    case brightnessContrast = "brightness-contrast"
    /// Mirrored left to right.
    case flip
    /// Rotated 8° counter-clockwise about the centre (bilinear; uncovered corners black).
    case rotate
    /// "SAMPLE 2026" written across the lower middle in white block letters with a black shadow,
    /// 70% of the width wide.
    case text

    public func apply(_ image: Image) throws -> Image {
        switch self {
        case .crop: return Self.crop(image, x: 0.10, y: 0.10, fraction: 0.75)
        case .resize:
            return image.resized(width: max(16, Int(Double(image.width) * 0.4)), height: max(16, Int(Double(image.height) * 0.4)))
        case .jpeg:
            let bytes = try JPEGEncoder.encode(image, quality: 20)
            return try ImageDecoder.decode(data: bytes, name: "re-compressed JPEG")
        case .brightnessContrast:
            var out = image
            for i in out.pixels.indices {
                let v = 1.4 * (Double(out.pixels[i]) - 128) + 128 + 25
                out.pixels[i] = UInt8(max(0, min(255, v.rounded())))
            }
            return out
        case .flip:
            var out = image
            let w = image.width
            for y in 0..<image.height {
                for x in 0..<w {
                    for c in 0..<3 { out.pixels[(y * w + x) * 3 + c] = image.pixels[(y * w + (w - 1 - x)) * 3 + c] }
                }
            }
            return out
        case .rotate: return Self.rotate(image, degrees: 8)
        case .text: return Self.overlayText("SAMPLE 2026", on: image)
        }
    }

    static func crop(_ image: Image, x fx: Double, y fy: Double, fraction: Double) -> Image {
        let w = max(1, Int(Double(image.width) * fraction)), h = max(1, Int(Double(image.height) * fraction))
        let x0 = min(image.width - w, Int(Double(image.width) * fx)), y0 = min(image.height - h, Int(Double(image.height) * fy))
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let src = ((y0 + y) * image.width + x0) * 3
            pixels.replaceSubrange((y * w * 3)..<((y + 1) * w * 3), with: image.pixels[src..<(src + w * 3)])
        }
        return Image(width: w, height: h, pixels: pixels)
    }

    static func rotate(_ image: Image, degrees: Double) -> Image {
        let w = image.width, h = image.height
        let angle = degrees * .pi / 180, c = cos(angle), s = sin(angle)
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                // Inverse mapping: the source point that lands on (x, y).
                let dx = Double(x) - cx, dy = Double(y) - cy
                let sx = c * dx - s * dy + cx, sy = s * dx + c * dy + cy
                guard sx >= 0, sy >= 0, sx <= Double(w - 1), sy <= Double(h - 1) else { continue }
                let x0 = Int(sx), y0 = Int(sy), x1 = min(w - 1, x0 + 1), y1 = min(h - 1, y0 + 1)
                let ax = sx - Double(x0), ay = sy - Double(y0)
                for ch in 0..<3 {
                    func p(_ px: Int, _ py: Int) -> Double { Double(image.pixels[(py * w + px) * 3 + ch]) }
                    let top = p(x0, y0) * (1 - ax) + p(x1, y0) * ax
                    let bottom = p(x0, y1) * (1 - ax) + p(x1, y1) * ax
                    pixels[(y * w + x) * 3 + ch] = UInt8(max(0, min(255, (top * (1 - ay) + bottom * ay).rounded())))
                }
            }
        }
        return Image(width: w, height: h, pixels: pixels)
    }

    /// 5×7 block glyphs of the characters the overlay uses (rows top to bottom, bit 4 = leftmost column).
    static let glyphs: [Character: [UInt8]] = [
        "S": [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
        "A": [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        "M": [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
        "P": [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
        "L": [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
        "E": [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
        "2": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        "0": [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        "6": [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        " ": [0, 0, 0, 0, 0, 0, 0],
    ]

    static func overlayText(_ text: String, on image: Image) -> Image {
        var out = image
        let columns = text.count * 6 - 1
        let scale = max(1, Int(Double(image.width) * 0.7) / columns)
        let left = (image.width - columns * scale) / 2
        let top = min(image.height - 7 * scale, Int(Double(image.height) * 0.6))
        func fill(_ x0: Int, _ y0: Int, _ value: UInt8) {
            for y in max(0, y0)..<min(image.height, y0 + scale) {
                for x in max(0, x0)..<min(image.width, x0 + scale) {
                    for c in 0..<3 { out.pixels[(y * image.width + x) * 3 + c] = value }
                }
            }
        }
        let shadow = max(1, scale / 3)
        for pass in 0..<2 {  // the shadow first, then the white letters over it
            for (i, character) in text.enumerated() {
                guard let rows = glyphs[character] else { continue }
                for (row, bits) in rows.enumerated() {
                    for column in 0..<5 where bits & (1 << (4 - column)) != 0 {
                        let x = left + (i * 6 + column) * scale, y = top + row * scale
                        if pass == 0 { fill(x + shadow, y + shadow, 0) } else { fill(x, y, 255) }
                    }
                }
            }
        }
        return out
    }
}
