// Video indexing throughput: seconds of video indexed per wall-clock second (decode + sample + embed),
// and the share of the time spent decoding/sampling versus embedding. Run by scripts/bench-video.
//
//   VideoBenchmark [--threads N] VIDEO...
//
// For each video, two passes: (1) decode + sample + scale only, (2) the same plus EfficientNet-Lite0
// embedding of every kept frame in batches of 16, as `vsearch build` does. Pass 2's wall time is the
// indexing cost; pass 1's share of it is the decode share. Prints one `key=value` line per video and a total.
import Dispatch
import Embedding
import Foundation
import Imaging
import VideoFrames

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = 2
if let at = arguments.firstIndex(of: "--threads"), at + 1 < arguments.count, let value = Int(arguments[at + 1]) {
    threads = value
    arguments.removeSubrange(at...(at + 1))
}
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: VideoBenchmark [--threads N] VIDEO...\n".utf8))
    exit(2)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let encoder = try ImageEncoder(threads: threads)
let policy = SamplingPolicy()
var totals = (video: 0.0, decode: 0.0, index: 0.0, frames: 0)
for path in arguments {
    let duration = try FFmpegVideo(path: path).info.duration
    var kept = 0
    let decode = try seconds {
        _ = try FFmpegVideo(path: path).sampleFrames(policy: policy) { _ in kept += 1 }
    }
    let index = try seconds {
        var batch: [Image] = []
        _ = try FFmpegVideo(path: path).sampleFrames(policy: policy) { frame in
            batch.append(ImageEncoder.modelInput(frame.image))
            if batch.count == 16 { _ = try encoder.encode(modelInputs: batch); batch.removeAll(keepingCapacity: true) }
        }
        if !batch.isEmpty { _ = try encoder.encode(modelInputs: batch) }
    }
    totals.video += duration; totals.decode += decode; totals.index += index; totals.frames += kept
    print(String(format: "video=%@ duration=%.1f frames=%d decode_seconds=%.3f index_seconds=%.3f video_seconds_per_second=%.1f decode_share=%.2f",
                 (path as NSString).lastPathComponent, duration, kept, decode, index, duration / index, decode / index))
}
print(String(format: "total videos=%d duration=%.1f frames=%d index_seconds=%.3f video_seconds_per_second=%.1f decode_share=%.2f threads=%d",
             arguments.count, totals.video, totals.frames, totals.index, totals.video / totals.index, totals.decode / totals.index, threads))
