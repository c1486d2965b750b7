#if canImport(Glibc)
import Glibc
import SearchEngine
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import Imaging
import VideoFrames

/// `vsearch inspect FILE... [--json]`: format, size and EXIF orientation of each image (header only).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show format, size and EXIF orientation of images; container, codec, duration and fps of videos.",
        discussion: "Reads headers only. Errors go to stderr naming the file; exit status 1 if any file failed."
    )

    @Argument(help: "Image files (PNG or JPEG, detected from the bytes) or videos (any container FFmpeg reads).") var files: [String]
    @Flag(help: "One JSON object per line: path, format, width, height, orientation, display size and details.") var json = false

    func run() throws {
        var failed = false
        for file in files {
            do {
                let info = try ImageDecoder.inspect(path: file)
                print(json ? Self.jsonLine(file, info) : Self.textLine(file, info))
            } catch let error where error.reason == .unrecognizedFormat {
                // Not an image signature: perhaps a video (containers are recognised by FFmpeg's probes).
                do {
                    let video = try FFmpegVideo(path: file).info
                    print(json ? Self.jsonLine(file, video) : Self.textLine(file, video))
                } catch let videoError as VideoError where videoError.code == .notAVideo {
                    failed = true
                    printToStandardError("vsearch inspect: \(file): neither an image (PNG, JPEG) nor a video FFmpeg can read")
                } catch {
                    failed = true
                    printToStandardError("vsearch inspect: \(error)")
                }
            } catch {
                failed = true
                printToStandardError("vsearch inspect: \(error)")
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func textLine(_ path: String, _ info: ImageInfo) -> String {
        let details = info.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(path): \(info.format.name) \(info.width)x\(info.height) orientation=\(info.orientation) \(details)"
    }

    static func textLine(_ path: String, _ info: VideoInfo) -> String {
        let title = info.title.map { " title=\(JSONText.string($0))" } ?? ""
        return "\(path): video container=\(info.container) codec=\(info.codec) \(info.width)x\(info.height)"
            + " duration=\(String(format: "%.3f", info.duration))s fps=\(String(format: "%.3f", info.fps)) rotation=\(info.rotation)\(title)"
    }

    static func jsonLine(_ path: String, _ info: VideoInfo) -> String {
        var fields = [
            "\"path\":\(JSONText.string(path))", "\"format\":\"video\"", "\"container\":\(JSONText.string(info.container))",
            "\"codec\":\(JSONText.string(info.codec))", "\"width\":\(info.width)", "\"height\":\(info.height)",
            "\"duration\":\(info.duration)", "\"fps\":\(info.fps)", "\"rotation\":\(info.rotation)",
            "\"display_width\":\(info.displaySize.width)", "\"display_height\":\(info.displaySize.height)",
        ]
        if let title = info.title { fields.append("\"title\":\(JSONText.string(title))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func jsonLine(_ path: String, _ info: ImageInfo) -> String {
        var fields = [
            "\"path\":\(JSONText.string(path))", "\"format\":\(JSONText.string(info.format.rawValue))",
            "\"width\":\(info.width)", "\"height\":\(info.height)", "\"orientation\":\(info.orientation)",
            "\"display_width\":\(info.displayWidth)", "\"display_height\":\(info.displayHeight)",
        ]
        fields += info.details.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
