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
    /// Refuse progressive JPEGs whose header declares more pixels than this. A progressive file keeps
    /// every DCT coefficient of the whole image in memory (2 bytes per sample: ~3 bytes per pixel for
    /// 4:2:0, 6 for 4:4:4) whatever the output scale, so a small upload of a huge progressive image
    /// decoded at 1/8 costs far more memory than its output; this cap is therefore lower than `maxPixels`.
    public var maxProgressivePixels: Int
    /// libjpeg's `max_memory_to_use`: the bytes its whole-image buffers may take. A file that needs more
    /// is refused (``ImagingError/Reason/decodingLimit``) before they are allocated.
    public var maxDecoderMemory: Int

    public static let defaultMaxPixels = 100_000_000
    public static let defaultMaxFileBytes = 64 << 20
    /// 40 MP: a 4:2:0 progressive file of this size needs ~120 MB of coefficients.
    public static let defaultMaxProgressivePixels = 40_000_000
    public static let defaultMaxDecoderMemory = 128 << 20

    public init(
        minimumShorterSide: Int? = nil,
        maxPixels: Int = DecodeOptions.defaultMaxPixels,
        maxFileBytes: Int = DecodeOptions.defaultMaxFileBytes,
        appliesEXIFOrientation: Bool = true,
        background: RGBColor = .white,
        maxProgressiveScans: Int = 500,
        maxProgressivePixels: Int = DecodeOptions.defaultMaxProgressivePixels,
        maxDecoderMemory: Int = DecodeOptions.defaultMaxDecoderMemory
    ) {
        self.minimumShorterSide = minimumShorterSide
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.appliesEXIFOrientation = appliesEXIFOrientation
        self.background = background
        self.maxProgressiveScans = maxProgressiveScans
        self.maxProgressivePixels = maxProgressivePixels
        self.maxDecoderMemory = maxDecoderMemory
    }
}
