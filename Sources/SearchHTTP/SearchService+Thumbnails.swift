import Catalog
import Foundation
import Imaging
import SearchEngine
import VideoFrames

extension SearchService {
    /// Thumbnail sizes accepted (longest side, pixels).
    static let thumbnailSizes = 16...1024

    /// A JPEG thumbnail of item `id`: the whole picture scaled to fit `size`×`size` (Imaging's `fit`
    /// mode, never upscaled). For a video, the frame at `moment` seconds (default: its first indexed
    /// frame), decoded by FFmpeg with a seek to the moment.
    public func thumbnail(id: String, size: Int, moment: Double?) async throws -> [UInt8] {
        guard Self.thumbnailSizes.contains(size) else {
            throw APIError.invalidParameter("size", "must be \(Self.thumbnailSizes.lowerBound)…\(Self.thumbnailSizes.upperBound)")
        }
        if let moment, !(moment.isFinite && moment >= 0 && moment < 86_400) {
            throw APIError.invalidParameter("t", "must be seconds ≥ 0")
        }
        let key = ThumbnailCache.Key(id: id, size: size, moment: Int(((moment ?? 0) * 1000).rounded()))
        if let cached = thumbnails.get(key) { return cached }
        let serving = serving
        let bytes: [UInt8] = try await thumbnailWork.answer("thumbnail") {
            let catalog = try serving.catalog()
            guard let item = try catalog.item(id: id) else { throw APIError.itemNotFound(id) }
            let image: Image
            let at = try item.kind == .video ? moment ?? (catalog.frames(videoID: id).map(\.timestamp).min() ?? 0) : 0
            do {
                switch item.kind {
                case .image: image = try ImageDecoder.decodeResized(path: item.source, size: size, mode: .fit)
                case .video: image = try Self.videoFrame(path: item.source, at: at, shorterSide: size).fitted(within: size)
                }
            } catch {
                // The catalog names the original, but it is gone or unreadable (moved, deleted, a metadata-only item).
                var unavailable = APIError(.notFound, "media_unavailable", "item '\(id)': its original cannot be read")
                unavailable.logDetail = "\(error)"
                throw unavailable
            }
            return try JPEGEncoder.encode(image, quality: 85)
        }
        thumbnails.put(key, bytes)
        return bytes
    }

    /// The decoded frame nearest `at` seconds. The sampling interval is the moment itself, so the
    /// demuxer seeks straight there instead of decoding everything before it (see `SamplingPolicy`).
    static func videoFrame(path: String, at: Double, shorterSide: Int) throws -> Image {
        let policy = SamplingPolicy(interval: max(at, 0.001), maxFrames: 3, sceneCutThreshold: 2, duplicateThreshold: 0,
                                    minimumCutSpacing: 1e9, outputShorterSide: max(shorterSide, 16))
        // A thumbnail answers a request: a short budget, not the 300 s a build gives each file.
        let limits = VideoLimits(timeLimit: thumbnailTimeLimit)
        return try FFmpegVideo(path: path, limits: limits).nearestFrame(to: at, policy: policy, timeLimit: thumbnailTimeLimit).image
    }

    /// Seconds one video thumbnail may take (opening, seeking and decoding), well inside a request's timeout.
    static let thumbnailTimeLimit = 10.0
}
