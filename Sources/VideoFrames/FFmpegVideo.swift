import CFFmpeg
import Foundation

/// A video file opened with FFmpeg's libavformat/libavcodec: metadata at open, frames on demand.
///
/// Not `Sendable`: it owns FFmpeg contexts that must be used from one thread at a time. Open one per
/// file per worker; decoding itself uses the threads FFmpeg offers (frame and slice threading).
public final class FFmpegVideo: FrameSource {
    public let path: String
    public let info: VideoInfo
    public let limits: VideoLimits

    let format: UnsafeMutablePointer<AVFormatContext>
    let decoder: UnsafeMutablePointer<AVCodecContext>
    let streamIndex: Int32
    /// Deadline in microseconds of `av_gettime_relative`, read by the interrupt callback installed on
    /// `format`; heap-allocated so its address stays valid for the context's lifetime.
    let deadline: UnsafeMutablePointer<Int64>

    /// Opens `path` and reads its container and stream facts.
    ///
    /// FFmpeg may only read the file itself (protocol whitelist `file`) with one of
    /// ``VideoLimits/acceptedDemuxers``: a playlist that names other local files is refused.
    /// `decoderThreads` is the decoder's `thread_count` (at least 1): callers that already run one
    /// worker per core keep the default of one decoding thread instead of one per core each.
    /// - Throws: `VideoError` naming the file: unreadable, not a video, refused container, unsupported
    ///   codec, over a limit.
    /// - Parameter descriptor: an open descriptor of `path` the caller has checked (see the ingest's
    ///   `InputFile`): FFmpeg then reads that very file through `/proc/self/fd/N`, never the name again, so
    ///   a path swapped after the check cannot be read instead. Errors still name `path`.
    public init(path: String, descriptor: Int32? = nil, limits: VideoLimits = VideoLimits(), decoderThreads: Int = 1) throws {
        self.path = path
        self.limits = limits
        let source = descriptor.map { "/proc/self/fd/\($0)" } ?? path
        // stat, not lstat: `source` may be the /proc/self/fd/N link to the checked descriptor.
        var fileStatus = stat()
        guard stat(source, &fileStatus) == 0 else {
            throw VideoError(.unreadable, path: path, reason: "no such file or not readable")
        }
        guard fileStatus.st_mode & S_IFMT == S_IFREG else {
            throw VideoError(.unreadable, path: path, reason: "not a regular file")
        }
        let size = Int(fileStatus.st_size)
        guard size > 0 else { throw VideoError(.notAVideo, path: path, reason: "the file is empty") }
        guard size <= limits.maxFileBytes else {
            throw VideoError(.overLimit, path: path, reason: "file of \(size) bytes is over the limit of \(limits.maxFileBytes)")
        }

        FFmpegLogging.silence()
        deadline = .allocate(capacity: 1)
        deadline.pointee = av_gettime_relative() + Int64(limits.timeLimit * 1_000_000)
        var context: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard let allocated = context else {
            deadline.deallocate()
            throw VideoError(.unreadable, path: path, reason: "out of memory")
        }
        vs_install_deadline(allocated, deadline)
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", VideoLimits.acceptedProtocols.joined(separator: ","), 0)
        av_dict_set(&options, "format_whitelist", VideoLimits.acceptedDemuxers.joined(separator: ","), 0)
        var status = avformat_open_input(&context, source, nil, &options)
        av_dict_free(&options)
        guard status >= 0, let opened = context else {
            // avformat_open_input frees the context on failure.
            deadline.deallocate()
            switch Self.probedDemuxer(path: source) {
            case let name? where VideoLimits.playlistDemuxers.contains(where: { name.split(separator: ",").contains(Substring($0)) }):
                throw VideoError(.refusedFormat, path: path, reason: "a '\(name)' playlist or list of other files, which is "
                    + "refused (it would make FFmpeg read the files it names)")
            case let name? where name.hasPrefix("image2") || name.hasSuffix("_pipe"):
                throw VideoError(.notAVideo, path: path, reason: "a still image (\(name)), not a video")
            case let name? where !VideoLimits.acceptedDemuxers.contains(where: { name.split(separator: ",").contains(Substring($0)) }):
                throw VideoError(.notAVideo, path: path, reason: "container format '\(name)' is not a video container we read")
            default:
                throw VideoError(.notAVideo, path: path, reason: "not a video FFmpeg can read (\(ffmpegMessage(status)))")
            }
        }
        var decoderContext: UnsafeMutablePointer<AVCodecContext>?
        do {
            let demuxer = String(cString: opened.pointee.iformat.pointee.name)
            if demuxer.hasPrefix("image2") || demuxer.hasSuffix("_pipe") {
                throw VideoError(.notAVideo, path: path, reason: "a still image (\(demuxer)), not a video")
            }
            status = avformat_find_stream_info(opened, nil)
            guard status >= 0 else {
                throw VideoError(.unreadable, path: path, reason: "cannot read stream information (\(ffmpegMessage(status)))")
            }
            var codec: UnsafePointer<AVCodec>?
            let index = av_find_best_stream(opened, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
            guard index >= 0, let stream = opened.pointee.streams[Int(index)] else {
                throw VideoError(.notAVideo, path: path, reason: "the file has no video stream")
            }
            if stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 {
                throw VideoError(.notAVideo, path: path, reason: "the only picture is attached cover art")
            }
            let parameters = stream.pointee.codecpar!
            let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            guard let codec else {
                throw VideoError(.unsupportedCodec, path: path, reason: "no decoder for codec \(codecName)")
            }
            let width = Int(parameters.pointee.width), height = Int(parameters.pointee.height)
            guard width > 0, height > 0 else {
                throw VideoError(.unreadable, path: path, reason: "the video stream declares no frame size")
            }
            guard width * height <= limits.maxPixels else {
                throw VideoError(.overLimit, path: path,
                    reason: "frame size \(width)×\(height) is over the limit of \(limits.maxPixels) pixels")
            }
            decoderContext = avcodec_alloc_context3(codec)
            guard let decoderContext else { throw VideoError(.unreadable, path: path, reason: "out of memory") }
            status = avcodec_parameters_to_context(decoderContext, parameters)
            guard status >= 0 else {
                throw VideoError(.unsupportedCodec, path: path, reason: "cannot configure the \(codecName) decoder (\(ffmpegMessage(status)))")
            }
            decoderContext.pointee.thread_count = Int32(clamping: max(1, decoderThreads))  // never 0 (= one per core)
            decoderContext.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
            decoderContext.pointee.pkt_timebase = stream.pointee.time_base
            status = avcodec_open2(decoderContext, codec, nil)
            guard status >= 0 else {
                throw VideoError(.unsupportedCodec, path: path, reason: "cannot open the \(codecName) decoder (\(ffmpegMessage(status)))")
            }
            info = VideoInfo(
                container: demuxer, codec: codecName, width: width, height: height,
                duration: Self.duration(of: opened, stream: stream), fps: Self.frameRate(of: stream),
                rotation: Self.clockwiseRotation(of: stream), title: Self.tag("title", in: opened, stream: stream))
            streamIndex = index
        } catch {
            var doomed: UnsafeMutablePointer<AVCodecContext>? = decoderContext
            avcodec_free_context(&doomed)
            var format: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&format)
            deadline.deallocate()
            throw error
        }
        format = opened
        decoder = decoderContext!
    }

    deinit {
        var decoderContext: UnsafeMutablePointer<AVCodecContext>? = decoder
        avcodec_free_context(&decoderContext)
        var formatContext: UnsafeMutablePointer<AVFormatContext>? = format
        avformat_close_input(&formatContext)
        deadline.deallocate()
    }

    /// The demuxer FFmpeg's probe picks for the file's first 64 KB (to explain a refusal), nil when
    /// nothing is recognised. Probing only looks at bytes: no demuxer is opened.
    static func probedDemuxer(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 1 << 16)) ?? Data())
        guard !head.isEmpty else { return nil }
        // AVPROBE_PADDING_SIZE zero bytes must follow the data.
        var padded = head + [UInt8](repeating: 0, count: 64)
        let format: UnsafePointer<AVInputFormat>? = path.withCString { name in
            padded.withUnsafeMutableBufferPointer { buffer in
                var probe = AVProbeData(filename: name, buf: buffer.baseAddress, buf_size: Int32(head.count), mime_type: nil)
                return av_probe_input_format(&probe, 1)
            }
        }
        guard let format, let name = format.pointee.name else { return nil }
        return String(cString: name)
    }

    private static func duration(of format: UnsafeMutablePointer<AVFormatContext>, stream: UnsafeMutablePointer<AVStream>) -> Double {
        if format.pointee.duration != vs_av_nopts_value(), format.pointee.duration > 0 {
            return Double(format.pointee.duration) / Double(AV_TIME_BASE)
        }
        if stream.pointee.duration != vs_av_nopts_value(), stream.pointee.duration > 0 {
            return Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base)
        }
        return 0
    }

    private static func frameRate(of stream: UnsafeMutablePointer<AVStream>) -> Double {
        for rate in [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate] where rate.num > 0 && rate.den > 0 {
            let value = av_q2d(rate)
            if value.isFinite, value > 0, value < 10_000 { return value }
        }
        return 0
    }

    /// FFmpeg reports the display matrix as a counter-clockwise angle; users and EXIF think clockwise.
    private static func clockwiseRotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        let counterClockwise = vs_stream_rotation(stream)
        let quarterTurns = Int((-counterClockwise / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }

    private static func tag(_ key: String, in format: UnsafeMutablePointer<AVFormatContext>, stream: UnsafeMutablePointer<AVStream>) -> String? {
        for dictionary in [format.pointee.metadata, stream.pointee.metadata] {
            if let entry = av_dict_get(dictionary, key, nil, 0), let value = entry.pointee.value {
                let text = String(cString: value)
                if !text.isEmpty { return text }
            }
        }
        return nil
    }
}
