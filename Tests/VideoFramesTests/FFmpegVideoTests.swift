import Foundation
import Testing
import VideoFrames

@Suite struct FFmpegVideoInfoTests {
    @Test func mp4H264InfoMatchesFFprobe() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"))
        #expect(video.info.container.contains("mp4"))
        #expect(video.info.codec == "h264")
        #expect(video.info.width == 320 && video.info.height == 180)
        #expect(abs(video.info.fps - 25) < 0.01)
        #expect(abs(video.info.duration - 4) < 0.05)
        #expect(video.info.rotation == 0)
        #expect(video.info.title == "Big Buck Bunny (excerpt)")
    }

    @Test func webmVP9InfoMatchesFFprobe() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("two-shots.webm"))
        #expect(video.info.container.contains("webm"))
        #expect(video.info.codec == "vp9")
        #expect(video.info.width == 160 && video.info.height == 120)
        #expect(abs(video.info.fps - 15) < 0.01)
        #expect(abs(video.info.duration - 4) < 0.05)
        #expect(video.info.title == "Two shots")
    }

    @Test func displayRotationIsReadAndAppliedToFrames() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bikes-rotated.mp4"))
        #expect(video.info.rotation == 90)
        #expect(video.info.displaySize.width == 102 && video.info.displaySize.height == 240)
        var sizes: [(Int, Int)] = []
        _ = try video.sampleFrames(policy: SamplingPolicy()) { sizes.append(($0.image.width, $0.image.height)) }
        #expect(!sizes.isEmpty)
        #expect(sizes.allSatisfy { $0 == (102, 240) })
    }

    @Test func realOpenCVSampleVideosOpen() throws {
        // Debian opencv-doc, installed by scripts/setup: MPEG-4 Part 2, MS-MPEG4 v3 and Cinepak in AVI.
        let folder = "/usr/share/doc/opencv-doc/examples/data"
        let expected = ["Megamind.avi": "mpeg4", "vtest.avi": "msmpeg4v3", "tree.avi": "cinepak"]
        for (name, codec) in expected {
            let video = try FFmpegVideo(path: "\(folder)/\(name)")
            #expect(video.info.container == "avi")
            #expect(video.info.codec == codec, "\(name)")
            #expect(video.info.duration > 5)
        }
    }
}

@Suite struct FFmpegSamplingTests {
    @Test func samplesOneFramePerSecondAtModelSize() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"))
        var frames: [SampledFrame] = []
        let report = try video.sampleFrames(policy: SamplingPolicy()) { frames.append($0) }
        #expect(report.framesDecoded == 100)
        #expect(report.decodeErrors == 0)
        #expect(frames.count >= 4 && frames.count <= 8)  // 4 interval samples plus any scene cuts
        #expect(frames.first?.timestamp == 0)
        let intervals = frames.filter { $0.reason == .interval }.map(\.timestamp)
        for (a, b) in zip(intervals, intervals.dropFirst()) { #expect(b - a >= 1 - 1e-9) }
        // 320×180 has its shorter side under 256: kept at its own size, never upscaled.
        #expect(frames.allSatisfy { $0.image.width == 320 && $0.image.height == 180 })
        #expect(frames.allSatisfy { $0.image.pixels.count == 320 * 180 * 3 })
    }

    @Test func outputIsScaledDownToTheRequestedShorterSide() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"))
        var sizes = Set<[Int]>()
        _ = try video.sampleFrames(policy: SamplingPolicy(outputShorterSide: 90)) { sizes.insert([$0.image.width, $0.image.height]) }
        #expect(sizes == [[160, 90]])
    }

    @Test func hardCutIsFoundBetweenSparseSamples() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("two-shots.webm"))
        var frames: [SampledFrame] = []
        _ = try video.sampleFrames(policy: SamplingPolicy(interval: 60)) { frames.append($0) }
        let cuts = frames.filter { $0.reason == .sceneCut }
        #expect(cuts.count == 1)
        if let cut = cuts.first { #expect(abs(cut.timestamp - 2.0) < 0.1) }
    }

    @Test func realFramesLookLikeTheirSource() throws {
        // The first frame of Big Buck Bunny is not blank: a decode or stride bug would give flat or noisy pixels.
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"))
        var first: SampledFrame?
        _ = try video.sampleFrames(policy: SamplingPolicy(maxFrames: 1)) { first = first ?? $0 }
        let pixels = try #require(first).image.pixels
        let mean = Double(pixels.reduce(0) { $0 + Int($1) }) / Double(pixels.count)
        let variance = pixels.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(pixels.count)
        #expect(mean > 20 && mean < 235)
        #expect(variance > 100)
    }

    @Test func maxFramesCapsWithAWarning() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"))
        var count = 0
        let report = try video.sampleFrames(policy: SamplingPolicy(interval: 0.1, maxFrames: 3)) { _ in count += 1 }
        #expect(count == 3)
        #expect(report.warnings.contains { $0.contains("maximum of 3 frames") })
    }

    @Test func longIntervalSeeksInsteadOfDecodingEverything() throws {
        // 29.6 s at 15 fps (444 frames) with a keyframe every second, sampled every 5 s.
        let video = try FFmpegVideo(path: VideoFixtures.path("tree-short-gop.mp4"))
        var times: [Double] = []
        let report = try video.sampleFrames(policy: SamplingPolicy(interval: 5, duplicateThreshold: 0)) { times.append($0.timestamp) }
        #expect(report.seeks >= 4)
        #expect(report.framesDecoded < 444 / 2)
        let regular = times.filter { $0 > 0 }
        #expect(regular.count >= 5)
        for (a, b) in zip(regular, regular.dropFirst()) { #expect(b - a >= 5 - 1e-9) }
    }

    @Test func staticCameraStretchesAreNotFlooded() throws {
        // vtest.avi: a fixed surveillance camera; most 1-s samples are near-duplicates of the last kept one.
        let video = try FFmpegVideo(path: "/usr/share/doc/opencv-doc/examples/data/vtest.avi")
        let report = try video.sampleFrames(policy: SamplingPolicy()) { _ in }
        #expect(report.framesDecoded == 795)
        #expect(report.framesKept < 60)  // 80 one-second slots
    }
}

@Suite struct FFmpegBadInputTests {
    @Test func missingFileIsUnreadable() {
        #expect(throws: VideoError.self) { try FFmpegVideo(path: "/nonexistent/video.mp4") }
        do { _ = try FFmpegVideo(path: "/nonexistent/video.mp4") } catch let error as VideoError {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("/nonexistent/video.mp4"))
        } catch { Issue.record("unexpected \(error)") }
    }

    static let nonVideos: [String: [UInt8]] = [
        "empty.mp4": [],
        "text.mp4": Array("just some text, not a video\n".utf8),
        "noise.avi": (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) },
    ]

    @Test(arguments: ["empty.mp4", "text.mp4", "noise.avi"])
    func nonVideosAreRefused(name: String) throws {
        try VideoFixtures.withScratch(name, Self.nonVideos[name]!) { path in
            do {
                _ = try FFmpegVideo(path: path)
                Issue.record("\(name) was accepted")
            } catch let error as VideoError {
                #expect(error.code == .notAVideo)
                #expect(error.description.hasPrefix(path))
            }
        }
    }

    @Test func stillImageIsNotAVideo() throws {
        // A PNG signature + IHDR of a tiny image: FFmpeg would read it as a one-frame "video".
        let png = try FFmpegVideoTestImages.tinyPNG()
        try VideoFixtures.withScratch("still.png", png) { path in
            #expect(throws: VideoError.self) { try FFmpegVideo(path: path) }
        }
    }

    @Test func truncatedVideoKeepsWhatDecodes() throws {
        let bytes = try VideoFixtures.bytes("two-shots.webm")
        for fraction in [0.5, 0.8] {
            try VideoFixtures.withScratch("cut.webm", Array(bytes.prefix(Int(Double(bytes.count) * fraction)))) { path in
                let video = try FFmpegVideo(path: path)
                var count = 0
                let report = try video.sampleFrames(policy: SamplingPolicy()) { _ in count += 1 }
                #expect(count >= 1)
                #expect(report.framesDecoded < 60)
            }
        }
    }

    @Test func corruptedBytesNeverCrash() throws {
        let bytes = try VideoFixtures.bytes("bbb-4s.mp4")
        var state: UInt64 = 42
        for round in 0..<6 {
            var damaged = bytes
            for _ in 0..<200 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let offset = 2048 + Int(state >> 33) % (damaged.count - 2048)
                damaged[offset] ^= UInt8(truncatingIfNeeded: state >> 13) | 1
            }
            // Either a clear error at open/decoding, or frames with a report: never a crash or hang.
            try VideoFixtures.withScratch("damaged-\(round).mp4", damaged) { path in
                do {
                    let video = try FFmpegVideo(path: path, limits: VideoLimits(timeLimit: 20))
                    _ = try video.sampleFrames(policy: SamplingPolicy()) { _ in }
                } catch is VideoError {}
            }
        }
    }

    @Test func oversizedFramesAreRefusedBeforeDecoding() throws {
        do {
            _ = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"), limits: VideoLimits(maxPixels: 320 * 179))
            Issue.record("accepted a frame over the pixel limit")
        } catch let error as VideoError {
            #expect(error.code == .overLimit)
            #expect(error.reason.contains("320×180"))
        }
    }

    @Test func durationLimitStopsSamplingWithAWarning() throws {
        let video = try FFmpegVideo(path: VideoFixtures.path("bbb-4s.mp4"), limits: VideoLimits(maxDuration: 1.5))
        var times: [Double] = []
        let report = try video.sampleFrames(policy: SamplingPolicy()) { times.append($0.timestamp) }
        #expect(times.allSatisfy { $0 <= 1.5 })
        #expect(report.warnings.contains { $0.contains("duration limit") })
    }
}

/// A tiny valid PNG made with zlib stored blocks, so this test target needs no image encoder.
enum FFmpegVideoTestImages {
    static func tinyPNG() throws -> [UInt8] {
        let base64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
        return [UInt8](try #require(Data(base64Encoded: base64)))
    }
}
