/// What a video container says about itself, read without decoding any frame.
public struct VideoInfo: Sendable, Equatable, Codable {
    /// Demuxer short name, e.g. `avi`, `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`.
    public var container: String
    /// Codec short name of the chosen video stream, e.g. `h264`, `mpeg4`, `vp9`.
    public var codec: String
    /// Coded frame size in pixels, before any display rotation.
    public var width: Int
    public var height: Int
    /// Duration in seconds (0 when the container does not say).
    public var duration: Double
    /// Average frame rate in frames per second (0 when unknown).
    public var fps: Double
    /// Clockwise display rotation in degrees, one of 0, 90, 180, 270.
    public var rotation: Int
    /// The container's `title` tag, if any.
    public var title: String?

    public init(
        container: String, codec: String, width: Int, height: Int, duration: Double, fps: Double,
        rotation: Int = 0, title: String? = nil
    ) {
        self.container = container
        self.codec = codec
        self.width = width
        self.height = height
        self.duration = duration
        self.fps = fps
        self.rotation = rotation
        self.title = title
    }

    /// Frame size as displayed, after applying `rotation`.
    public var displaySize: (width: Int, height: Int) {
        rotation == 90 || rotation == 270 ? (height, width) : (width, height)
    }
}
