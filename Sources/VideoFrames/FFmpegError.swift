import CFFmpeg

/// FFmpeg's text for an error code returned by one of its functions.
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    vs_av_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// FFmpeg prints warnings about damaged input to stderr by default; we report problems ourselves
/// (in `VideoError` and `SamplingReport.warnings`), so its own log is limited to fatal errors.
enum FFmpegLogging {
    private static let once: Void = { av_log_set_level(AV_LOG_FATAL) }()
    static func silence() { once }
}
