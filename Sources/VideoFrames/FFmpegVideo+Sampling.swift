import Foundation
import CFFmpeg

extension FFmpegVideo {
    /// Decodes the video in presentation order and hands every frame the policy keeps to `body`.
    ///
    /// - Corrupt packets are counted in `decodeErrors` and skipped; a read error part-way (a truncated
    ///   file) ends sampling with a warning and keeps what was decoded. Only a video of which nothing at
    ///   all decodes throws `decodeFailed`.
    /// - When the next sample is more than two GOPs ahead (interval much longer than the keyframe
    ///   spacing), the demuxer seeks to it instead of decoding every frame in between; scene cuts inside
    ///   a skipped stretch are then not seen (the report counts the seeks).
    /// - Sampling stops at `VideoLimits.maxDuration`, at `SamplingPolicy.maxFrames`, or when the per-file
    ///   time limit passes, each with a warning.
    public func sampleFrames(policy: SamplingPolicy, _ body: (SampledFrame) throws -> Void) throws -> SamplingReport {
        try sampleFrames(policy: policy, timeLimit: nil, body)
    }

    /// ``sampleFrames(policy:_:)`` within `timeLimit` seconds from now (nil: what is left of
    /// `VideoLimits.timeLimit` since the file was opened). A request handler passes its own budget.
    public func sampleFrames(policy: SamplingPolicy, timeLimit: Double?,
                             _ body: (SampledFrame) throws -> Void) throws -> SamplingReport {
        if let timeLimit { deadline.pointee = av_gettime_relative() + Int64(max(0, timeLimit) * 1_000_000) }
        let limitSeconds = timeLimit ?? limits.timeLimit
        var report = SamplingReport()
        var sampler = FrameSampler(policy: policy)
        let converter = FrameConverter()
        let stream = format.pointee.streams[Int(streamIndex)]!
        let timeBase = av_q2d(stream.pointee.time_base)
        let startTime = stream.pointee.start_time == vs_av_nopts_value() ? 0 : stream.pointee.start_time
        var gop = GOPEstimate()
        var lastFrameTime = -Double.infinity
        var canSeek = true
        var lastSeekTarget = -Double.infinity

        guard let packet = av_packet_alloc() else { throw VideoError(.unreadable, path: path, reason: "out of memory") }
        guard let frame = av_frame_alloc() else {
            var doomed: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&doomed)
            throw VideoError(.unreadable, path: path, reason: "out of memory")
        }
        defer {
            var doomedPacket: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&doomedPacket)
            var doomedFrame: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&doomedFrame)
        }

        /// Receives every frame the decoder has ready; returns false when sampling should stop.
        func drain() throws -> Bool {
            while true {
                let status = avcodec_receive_frame(decoder, frame)
                if status == vs_averror_eagain() || status == vs_averror_eof() { return true }
                if status < 0 { report.decodeErrors += 1; return true }
                defer { av_frame_unref(frame) }
                guard Int(frame.pointee.width) * Int(frame.pointee.height) <= limits.maxPixels else {
                    report.warnings.append("a frame of \(frame.pointee.width)×\(frame.pointee.height) is over the pixel limit; stopped")
                    return false
                }
                let pts = frame.pointee.best_effort_timestamp
                let time = pts == vs_av_nopts_value()
                    ? (info.fps > 0 ? Double(report.framesDecoded) / info.fps : lastFrameTime + 0.04)
                    : Double(pts - startTime) * timeBase
                report.framesDecoded += 1
                lastFrameTime = time
                report.lastTimestamp = max(report.lastTimestamp, time)
                if time > limits.maxDuration {
                    report.warnings.append("sampled the first \(Int(limits.maxDuration)) s only (duration limit)")
                    return false
                }
                guard let signature = converter.signature(of: frame) else { report.decodeErrors += 1; continue }
                guard case .keep(let reason) = sampler.offer(time: time, signature: signature) else { continue }
                guard let image = converter.image(of: frame, shorterSide: policy.outputShorterSide, rotation: info.rotation)
                else { report.decodeErrors += 1; continue }
                report.framesKept += 1
                try body(SampledFrame(timestamp: max(0, time), image: image, reason: reason))
                if sampler.isFull {
                    report.warnings.append("kept the maximum of \(policy.maxFrames) frames; the rest of the video was not sampled")
                    return false
                }
            }
        }

        reading: while true {
            if av_gettime_relative() > deadline.pointee {
                report.warnings.append("time limit of \(limitSeconds) s reached; sampled up to \(Self.clock(report.lastTimestamp))")
                break
            }
            // Seek only forward, only to a target inside the video, and never twice to the same target
            // (a seek that lands short of it decodes forward from there).
            if canSeek, let spacing = gop.spacing, sampler.keptCount > 0,
               sampler.nextSampleTime - lastFrameTime > max(2 * spacing, 2),
               sampler.nextSampleTime != lastSeekTarget,
               info.duration <= 0 || sampler.nextSampleTime < info.duration {
                lastSeekTarget = sampler.nextSampleTime
                let target = Int64(sampler.nextSampleTime / timeBase) + startTime
                if av_seek_frame(format, streamIndex, target, AVSEEK_FLAG_BACKWARD) >= 0 {
                    avcodec_flush_buffers(decoder)
                    report.seeks += 1
                    gop.discontinuity()
                    lastFrameTime = sampler.nextSampleTime - spacing  // the seek lands at most a GOP early
                } else {
                    canSeek = false
                }
            }
            let status = av_read_frame(format, packet)
            if status < 0 {
                if status != vs_averror_eof() {
                    report.warnings.append("reading stopped after \(Self.clock(report.lastTimestamp)): \(ffmpegMessage(status))")
                }
                break
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            let packetTime = packet.pointee.pts != vs_av_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            if packet.pointee.flags & AV_PKT_FLAG_KEY != 0, packetTime != vs_av_nopts_value() {
                gop.keyframe(at: Double(packetTime - startTime) * timeBase)
            }
            if avcodec_send_packet(decoder, packet) < 0 { report.decodeErrors += 1 }
            guard try drain() else { break reading }
        }
        if !sampler.isFull, avcodec_send_packet(decoder, nil) >= 0 { _ = try drain() }  // flush delayed frames
        if report.framesDecoded == 0 {
            throw VideoError(.decodeFailed, path: path,
                reason: "no frame could be decoded" + (report.warnings.first.map { " (\($0))" } ?? ""))
        }
        if report.decodeErrors > 0 {
            report.warnings.append("\(report.decodeErrors) corrupt packet(s) or frame(s) were skipped")
        }
        return report
    }

    static func clock(_ seconds: Double) -> String {
        String(format: "%.2f s", seconds)
    }
}

/// Keyframe spacing seen so far, from packet flags: tells when seeking beats decoding through.
struct GOPEstimate {
    private var last: Double?
    private(set) var spacing: Double?

    /// After a seek the next keyframe is not the one after `last`: forget it.
    mutating func discontinuity() { last = nil }

    mutating func keyframe(at time: Double) {
        if let last, time > last {
            let gap = time - last
            spacing = max(spacing ?? 0, gap)  // the largest gap seen: seeking never lands too early
        }
        last = time
    }
}
