import Foundation
import Testing
@testable import VideoFrames

/// Issue #14 item 11: FFmpeg opened uploads with no protocol or format whitelist (a playlist could make
/// it read other local files), thumbnails ran under the 300 s per-file limit, and the decoder started a
/// thread per core.
@Suite struct UntrustedContainerTests {
    /// `body` gets the path of `listName` (holding `list`) in a folder that also holds `secret.mp4`, a
    /// real video the list names by a relative path (what the concat demuxer's safe mode allows).
    static func withList(_ listName: String, _ list: String, _ body: (String) throws -> Void) throws {
        let video = try VideoFixtures.bytes("bbb-4s.mp4")
        try VideoFixtures.withScratch("secret.mp4", video) { secret in
            let folder = URL(fileURLWithPath: secret).deletingLastPathComponent()
            let path = folder.appendingPathComponent(listName).path
            try Data(list.utf8).write(to: URL(fileURLWithPath: path))
            try body(path)
        }
    }

    static let lists: [(String, String)] = [
        ("list.ffconcat", "ffconcat version 1.0\nfile 'secret.mp4'\nfile 'secret.mp4'\n"),
        ("playlist.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:4.0,\nsecret.mp4\n#EXT-X-ENDLIST\n"),
        ("upload.mp4", "ffconcat version 1.0\nfile 'secret.mp4'\n"),  // the name an upload is stored under
    ]

    @Test(arguments: lists.indices)
    func playlistsThatNameOtherFilesAreRefused(_ which: Int) throws {
        let (name, list) = Self.lists[which]
        try Self.withList(name, list) { path in
            let error = #expect(throws: VideoError.self, "\(name)") {
                let video = try FFmpegVideo(path: path)
                _ = try video.sampleFrames(policy: SamplingPolicy()) { _ in }
            }
            #expect(error?.code == .refusedFormat, "\(name): \(String(describing: error))")
            #expect(error?.path == path)
            #expect(error?.reason.contains("refused") == true)
        }
    }

    @Test func acceptedContainersStillOpen() throws {
        for name in ["bbb-4s.mp4", "two-shots.webm", "bikes-rotated.mp4"] {
            #expect(try FFmpegVideo(path: VideoFixtures.path(name)).info.width > 0, "\(name)")
        }
        #expect(try FFmpegVideo(path: "/usr/share/doc/opencv-doc/examples/data/vtest.avi").info.container == "avi")
    }

    @Test func theDecoderGetsTheThreadCountItIsGiven() throws {
        #expect(try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4")).decoder.pointee.thread_count == 1)
        #expect(try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"), decoderThreads: 0).decoder.pointee.thread_count == 1)
        #expect(try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"), decoderThreads: 3).decoder.pointee.thread_count == 3)
    }

    /// A per-call limit replaces the per-file one: a budget already spent decodes nothing, however long
    /// `VideoLimits.timeLimit` is; the same call without it finds the frame.
    @Test func aPerCallTimeLimitBoundsFrameExtraction() throws {
        let policy = SamplingPolicy(interval: 2, maxFrames: 3, sceneCutThreshold: 2, duplicateThreshold: 0,
                                    minimumCutSpacing: 1e9, outputShorterSide: 64)
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"), limits: VideoLimits(timeLimit: 300))
        let error = #expect(throws: VideoError.self) { _ = try video.nearestFrame(to: 2, policy: policy, timeLimit: 0) }
        #expect(error?.code == .decodeFailed)
        let sampling = #expect(throws: VideoError.self) {
            _ = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4")).sampleFrames(policy: policy, timeLimit: 0) { _ in }
        }
        #expect(sampling?.reason.contains("time limit of 0.0 s reached") == true, "\(String(describing: sampling))")
        let frame = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4")).nearestFrame(to: 2, policy: policy, timeLimit: 30)
        #expect(abs(frame.timestamp - 2) < 0.5)
    }
}
