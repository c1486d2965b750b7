/// A decoded picture: 8-bit RGB, interleaved, row-major.
///
/// Layout: `pixels[(y * width + x) * 3 + c]` is channel `c` (0 = red, 1 = green, 2 = blue) of the pixel in
/// column `x`, row `y` (row 0 at the top). The row stride is exactly `width * 3` bytes, with no padding,
/// so `pixels.count == width * height * 3`. Alpha never appears here: decoders composite transparent
/// pixels over `DecodeOptions.background` (white by default).
public struct Image: Sendable, Equatable {
    /// Width in pixels (≥ 1 for decoded images).
    public let width: Int
    /// Height in pixels (≥ 1 for decoded images).
    public let height: Int
    /// RGB samples, `width * height * 3` bytes, row stride `width * 3`.
    public var pixels: [UInt8]

    /// Wraps existing RGB samples. `pixels.count` must equal `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "pixel buffer holds \(pixels.count) bytes, \(width)x\(height) RGB needs \(width * height * 3)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A `width`×`height` image filled with one colour.
    public init(width: Int, height: Int, filledWith color: RGBColor) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = color.red
            pixels[i + 1] = color.green
            pixels[i + 2] = color.blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The colour at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> RGBColor {
        let i = (y * width + x) * 3
        return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }
}

/// An 8-bit sRGB colour.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The documented background for transparent pixels.
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    public static let black = RGBColor(red: 0, green: 0, blue: 0)

    public var description: String { "rgb(\(red), \(green), \(blue))" }
}
