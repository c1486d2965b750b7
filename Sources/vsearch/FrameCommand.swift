import ArgumentParser
import Foundation
import Imaging
import VideoFrames

/// `vsearch frame VIDEO --at SECONDS --out FILE.jpg|.png`: writes the frame shown at a moment of a video
/// (a "screenshot" to search with).
struct FrameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame", abstract: "Write the frame of a video nearest a timestamp as JPEG or PNG (a screenshot to search with).")

    @Argument(help: "Video file.") var video: String
    @Option(help: "Seconds from the start.") var at: Double
    @Option(help: "Output file (.jpg/.jpeg for JPEG, otherwise PNG).") var out: String

    func validate() throws {
        guard at >= 0, at.isFinite else { throw TextCommandSupport.usage("frame", "--at must be a number of seconds ≥ 0") }
    }

    func run() throws {
        do {
            // Every decoded frame is offered (tiny interval, no duplicate skipping) at full size.
            let policy = SamplingPolicy(interval: 0.001, maxFrames: 1 << 20, duplicateThreshold: 0, outputShorterSide: 1 << 14)
            let frame = try FFmpegVideo(path: video).nearestFrame(to: at, policy: policy)
            let lower = out.lowercased()
            let bytes = lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")
                ? try JPEGEncoder.encode(frame.image, quality: 90) : try PNGEncoder.encode(frame.image)
            try AtomicFile.write(bytes, to: out)
            print(String(format: "%@: frame at %.3f s, %d×%d → %@", video, frame.timestamp, frame.image.width, frame.image.height, out))
        } catch {
            TextCommandSupport.error("frame", "\(error)")
            throw ExitCode(1)
        }
    }
}
