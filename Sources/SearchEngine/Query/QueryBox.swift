import Imaging

/// A region of the query image to search by (`box=x,y,w,h`, `--box x,y,w,h`): the left edge, top edge,
/// width and height as fractions of the image's displayed width and height (0…1; `0,0,1,1` is the whole
/// image). The decoded image is cropped to it before embedding, so results are what the region shows.
public struct QueryBox: Sendable, Equatable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    /// A box; throws ``SearchEngineError`` `.invalidQuery` naming `box` unless every value is finite,
    /// `x, y ≥ 0`, `width, height > 0` and the box lies inside the image (`x + width ≤ 1`, `y + height ≤ 1`).
    public init(x: Double, y: Double, width: Double, height: Double) throws {
        guard [x, y, width, height].allSatisfy(\.isFinite) else {
            throw SearchEngineError(.invalidQuery, "box", "every value must be a finite number")
        }
        guard x >= 0, y >= 0 else { throw SearchEngineError(.invalidQuery, "box", "x and y must be ≥ 0") }
        guard width > 0, height > 0 else { throw SearchEngineError(.invalidQuery, "box", "the box is empty (width and height must be > 0)") }
        // A little slack for fractions computed in floating point by a client (0.1 + 0.9).
        guard x + width <= 1 + Self.slack, y + height <= 1 + Self.slack else {
            throw SearchEngineError(.invalidQuery, "box", "lies outside the image (x + w and y + h must be ≤ 1)")
        }
        self.x = x
        self.y = y
        self.width = min(width, 1 - x)
        self.height = min(height, 1 - y)
    }

    static let slack = 1e-9

    /// Parses `x,y,w,h` (four comma-separated numbers; spaces allowed); throws `.invalidQuery` naming `box`.
    public init(parsing text: String) throws {
        guard text.utf8.count <= 200 else { throw SearchEngineError(.invalidQuery, "box", "longer than 200 bytes") }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 4 else {
            throw SearchEngineError(.invalidQuery, "box", "must be x,y,w,h (four fractions of the image), got \(parts.count) value(s)")
        }
        let values = parts.map { Double($0) }
        guard values.allSatisfy({ $0 != nil }) else {
            throw SearchEngineError(.invalidQuery, "box", "must be x,y,w,h with numbers, got '\(text.prefix(60))'")
        }
        try self.init(x: values[0]!, y: values[1]!, width: values[2]!, height: values[3]!)
    }

    public var description: String { "\(x),\(y),\(width),\(height)" }

    /// The box in pixels of a `width`×`height` image: edges rounded to the nearest pixel, at least one
    /// pixel wide and high, inside the image.
    public func pixels(width imageWidth: Int, height imageHeight: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        func span(_ start: Double, _ length: Double, _ size: Int) -> (Int, Int) {
            let low = min(max(0, Int((start * Double(size)).rounded())), max(0, size - 1))
            let high = min(size, max(low + 1, Int(((start + length) * Double(size)).rounded())))
            return (low, high - low)
        }
        let (px, pw) = span(x, width, imageWidth)
        let (py, ph) = span(y, height, imageHeight)
        return (px, py, pw, ph)
    }

    /// `image` cropped to the box.
    public func crop(_ image: Image) -> Image {
        let p = pixels(width: image.width, height: image.height)
        return image.cropped(x: p.x, y: p.y, width: p.width, height: p.height)
    }

    /// The shorter side to decode at so that the cropped region still has `minimum` pixels on its
    /// shorter side (JPEGs are DCT-scaled down only as far as that allows).
    public func decodeShorterSide(for minimum: Int) -> Int {
        Int((Double(minimum) / min(width, height)).rounded(.up))
    }
}
