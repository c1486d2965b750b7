/// How `ImageDecoder` decodes: size hint, safety limits, background for transparency.
public struct DecodeOptions: Sendable {
    /// The smallest shorter side the caller will need. JPEGs are then decoded with libjpeg's DCT scaling
    /// at the largest reduction (1/2, 1/4 or 1/8) whose shorter side stays ≥ this value, so a 24-megapixel
    /// photo is never materialised at full size when 256 pixels are wanted. `nil` decodes at full size.
    public var minimumShorterSide: Int?
    /// Refuse images whose header declares more pixels than this (checked before any pixel buffer exists).
    public var maxPixels: Int
    /// Refuse files larger than this many bytes (checked before the file is read).
    public var maxFileBytes: Int
    /// Rotate/flip JPEGs as their EXIF orientation tag (1–8) says, so the result is upright.
    public var appliesEXIFOrientation: Bool
    /// Colour that transparent PNG pixels are composited over.
    public var background: RGBColor
    /// Refuse progressive JPEGs with more scans than this (real files have about 10; crafted ones, thousands).
    public var maxProgressiveScans: Int

    public static let defaultMaxPixels = 100_000_000
    public static let defaultMaxFileBytes = 64 << 20

    public init(
        minimumShorterSide: Int? = nil,
        maxPixels: Int = DecodeOptions.defaultMaxPixels,
        maxFileBytes: Int = DecodeOptions.defaultMaxFileBytes,
        appliesEXIFOrientation: Bool = true,
        background: RGBColor = .white,
        maxProgressiveScans: Int = 500
    ) {
        self.minimumShorterSide = minimumShorterSide
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.appliesEXIFOrientation = appliesEXIFOrientation
        self.background = background
        self.maxProgressiveScans = maxProgressiveScans
    }
}
