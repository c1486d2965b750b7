/// Header facts about an image file, as `vsearch inspect` prints them.
public struct ImageInfo: Sendable, Equatable {
    public let format: ImageFormat
    /// Stored width in pixels (before EXIF orientation is applied).
    public let width: Int
    /// Stored height in pixels.
    public let height: Int
    /// EXIF orientation 1–8 (JPEG), 1 when absent or not applicable.
    public let orientation: Int
    /// Extra facts: PNG colour type / bit depth / interlace, JPEG colour space / progressive.
    public let details: [String: String]

    public init(format: ImageFormat, width: Int, height: Int, orientation: Int, details: [String: String] = [:]) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
        self.details = details
    }

    /// Size after the EXIF orientation is applied (orientations 5–8 swap width and height).
    public var displayWidth: Int { orientation >= 5 ? height : width }
    public var displayHeight: Int { orientation >= 5 ? width : height }
}
