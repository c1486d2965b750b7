/// Bounds that keep a hostile or huge video from exhausting memory or time.
public struct VideoLimits: Sendable, Equatable {
    /// Largest coded frame accepted, in pixels (width × height). Larger streams are refused.
    public var maxPixels: Int
    /// Longest stretch of a video that is sampled, in seconds; the rest is skipped with a warning.
    public var maxDuration: Double
    /// Wall-clock budget per file in seconds, enforced in I/O (interrupt callback) and the decode loop.
    public var timeLimit: Double
    /// Largest file accepted, in bytes.
    public var maxFileBytes: Int

    /// The demuxers FFmpeg may use (its `format_whitelist`): real container formats only. Playlist and
    /// list demuxers (HLS, DASH, concat, ...) are refused because they open *other* files named inside
    /// the upload; image sequences and still images are not videos.
    public static let acceptedDemuxers = [
        "mov", "mp4", "matroska", "webm", "avi", "ogg", "flv", "mpeg", "mpegts", "asf",
        "h264", "hevc", "m4v", "mpegvideo",
    ]
    /// Demuxers that read *other* files or streams named inside the input (playlists, lists, session
    /// descriptions). The whitelist already keeps FFmpeg from using them; these are also reported as
    /// ``VideoError/Code/refusedFormat`` rather than "not a video", since the file is a deliberate one.
    public static let playlistDemuxers = ["hls", "applehttp", "dash", "concat", "imf", "webm_dash_manifest", "sdp", "rtsp", "rtp"]
    /// The only protocol FFmpeg may open (its `protocol_whitelist`): local files, never the network,
    /// pipes or nested protocols such as `subfile` or `concat`.
    public static let acceptedProtocols = ["file"]

    public init(
        maxPixels: Int = 8192 * 4320, maxDuration: Double = 4 * 3600, timeLimit: Double = 300,
        maxFileBytes: Int = 16 << 30
    ) {
        self.maxPixels = maxPixels
        self.maxDuration = maxDuration
        self.timeLimit = timeLimit
        self.maxFileBytes = maxFileBytes
    }
}
