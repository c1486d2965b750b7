import CFFmpeg
import Imaging

/// Converts decoded frames of any pixel format with libswscale: to RGB24 at the size the model needs
/// (never full resolution when that is not needed) and to the 16×16 luma `FrameSignature`.
/// Contexts are cached and rebuilt only when a stream changes size or format mid-way.
final class FrameConverter {
    private var rgbContext: OpaquePointer?
    private var lumaContext: OpaquePointer?

    deinit {
        sws_freeContext(rgbContext)
        sws_freeContext(lumaContext)
    }

    /// The 16×16 grayscale thumbnail of `frame` (area-averaged), or nil if swscale refuses the format.
    func signature(of frame: UnsafeMutablePointer<AVFrame>) -> FrameSignature? {
        let side = FrameSignature.side
        guard let luma = scale(frame, context: &lumaContext, width: side, height: side, format: AV_PIX_FMT_GRAY8, channels: 1)
        else { return nil }
        return FrameSignature(luma: luma)
    }

    /// `frame` as RGB, scaled so its shorter side is at most `shorterSide` (aspect and sample aspect
    /// ratio kept), then turned by `rotation` degrees clockwise.
    func image(of frame: UnsafeMutablePointer<AVFrame>, shorterSide: Int, rotation: Int) -> Image? {
        let size = Self.outputSize(
            width: Int(frame.pointee.width), height: Int(frame.pointee.height),
            sampleAspect: frame.pointee.sample_aspect_ratio, shorterSide: shorterSide)
        guard let rgb = scale(frame, context: &rgbContext, width: size.width, height: size.height, format: AV_PIX_FMT_RGB24, channels: 3)
        else { return nil }
        return Image(width: size.width, height: size.height, pixels: rgb).rotatedClockwise(degrees: rotation)
    }

    static func outputSize(width: Int, height: Int, sampleAspect: AVRational, shorterSide: Int) -> (width: Int, height: Int) {
        var displayWidth = Double(width)
        if sampleAspect.num > 0, sampleAspect.den > 0 {
            let ratio = Double(sampleAspect.num) / Double(sampleAspect.den)
            if ratio.isFinite, ratio > 0.2, ratio < 5 { displayWidth *= ratio }
        }
        let shorter = min(displayWidth, Double(height))
        let scale = shorter > Double(shorterSide) ? Double(shorterSide) / shorter : 1
        return (max(1, Int((displayWidth * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    private func scale(
        _ frame: UnsafeMutablePointer<AVFrame>, context: inout OpaquePointer?,
        width: Int, height: Int, format: AVPixelFormat, channels: Int
    ) -> [UInt8]? {
        let sourceWidth = frame.pointee.width, sourceHeight = frame.pointee.height
        guard sourceWidth > 0, sourceHeight > 0 else { return nil }
        // Area averaging is swscale's antialiased downscaler; bicubic when only converting format.
        let flags = (width < Int(sourceWidth) ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND
        context = sws_getCachedContext(
            context, sourceWidth, sourceHeight, AVPixelFormat(rawValue: frame.pointee.format),
            Int32(width), Int32(height), format, flags, nil, nil, nil)
        guard let context else { return nil }
        let stride = (width * channels + 63) & ~63  // swscale's SIMD paths want aligned rows
        var padded = [UInt8](repeating: 0, count: stride * height + 64)
        let rows = padded.withUnsafeMutableBufferPointer { output -> Int32 in
            withUnsafePointer(to: &frame.pointee.data) { planes in
                withUnsafePointer(to: &frame.pointee.linesize) { strides in
                    planes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                        strides.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            var destination: [UnsafeMutablePointer<UInt8>?] = [output.baseAddress, nil, nil, nil]
                            var destinationStrides: [Int32] = [Int32(stride), 0, 0, 0]
                            return sws_scale(context, source, sourceStrides, 0, sourceHeight, &destination, &destinationStrides)
                        }
                    }
                }
            }
        }
        guard rows == Int32(height) else { return nil }
        if stride == width * channels { return Array(padded.prefix(width * channels * height)) }
        var packed = [UInt8](); packed.reserveCapacity(width * channels * height)
        for row in 0..<height { packed.append(contentsOf: padded[row * stride ..< row * stride + width * channels]) }
        return packed
    }
}
