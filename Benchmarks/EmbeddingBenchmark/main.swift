// EfficientNet-Lite0 speed and memory of the Swift encoder; `scripts/bench-embedding` runs it beside
// ONNX Runtime on the same inputs and thread count and prints the ratios.
//
// Usage: EmbeddingBenchmark [--threads T] [--kernels avx2|avx512] [--precision fp32|int8] [--reps32 N] [--reps1 N]
//                           [--jpeg-dir DIR] [--only batch32,batch1,jpeg]
//        EmbeddingBenchmark --quality DIR[,DIR…] [--clips uniform|shipped|c1,c2,…] [--weight-limit L] [--activation-levels A]
//                           (int8 vs fp32 cosines, top-1)
//        EmbeddingBenchmark --calibrate DIR [--clip-grid 1,0.9] [--max-float 8] [--mean-target 0.999]
//                           (chooses Int8Calibration)
// Prints `key=value` lines: load_ms, rss_after_load_mb, batch32_ms (median per batch), batch1_ms (median),
// jpeg_per_s, rss_peak_mb.
import Embedding
import Foundation
import Imaging
import Tensor

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// VmRSS / VmHWM of this process in MiB, from /proc/self/status.
func memory(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kb / 1024
    }
    return -1
}

/// CPU time of the calling thread (excludes time spent preempted by other processes).
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
func p10(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 10] }

let threads = Int(argument("--threads") ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
let reps32 = Int(argument("--reps32") ?? "") ?? 5
let reps1 = Int(argument("--reps1") ?? "") ?? 50
let kernels: KernelISA = {
    guard let name = argument("--kernels") else { return .preferred }
    guard let isa = KernelISA(rawValue: name), isa.isSupported else {
        FileHandle.standardError.write(Data("EmbeddingBenchmark: --kernels \(name) is unknown or not supported on this CPU\n".utf8))
        exit(2)
    }
    return isa
}()
/// `table` with `--weight-limit` / `--activation-levels` applied to every int8 layer.
func overridden(_ table: Int8Calibration) -> Int8Calibration {
    var table = table
    let limit = argument("--weight-limit").flatMap(Int.init), levels = argument("--activation-levels").flatMap(Int.init)
    table.layers = table.layers.map {
        $0.map { Int8Calibration.Layer(clip: $0.clip, weightLimit: limit ?? $0.weightLimit, activationLevels: levels ?? $0.activationLevels) }
    }
    return table
}

let precision: EncoderPrecision = {
    guard let name = argument("--precision") else { return .fp32 }
    guard let precision = EncoderPrecision(rawValue: name) else {
        FileHandle.standardError.write(Data("EmbeddingBenchmark: --precision \(name) is not fp32 or int8\n".utf8))
        exit(2)
    }
    return precision
}()
if let directories = argument("--quality") {
    let clips = argument("--clips") ?? "shipped"
    var table: Int8Calibration
    switch clips {
    case "shipped": table = .shipped
    case "uniform": table = .uniform()
    default:
        guard let parsed = Int8Calibration(text: clips) else {
            FileHandle.standardError.write(Data("EmbeddingBenchmark: --clips needs \(Int8Calibration.layerNames.count) entries (fp32 or clip[:limit])\n".utf8))
            exit(2)
        }
        table = parsed
    }
    table = overridden(table)
    do { try runQuality(directories: directories.split(separator: ",").map(String.init), threads: threads, calibration: table) } catch {
        FileHandle.standardError.write(Data("EmbeddingBenchmark: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if let directory = argument("--calibrate") {
    let grid = (argument("--clip-grid") ?? "1").split(separator: ",").compactMap { Float($0) }
    let maxFloat = argument("--max-float").flatMap(Int.init) ?? 8
    let meanTarget = argument("--mean-target").flatMap(Float.init) ?? 0.999
    do { try runCalibration(directory: directory, threads: threads, clips: grid, meanTarget: meanTarget, maxFloat: maxFloat) } catch {
        FileHandle.standardError.write(Data("EmbeddingBenchmark: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
let only = Set((argument("--only") ?? "batch32,batch1,jpeg").split(separator: ",").map(String.init))

let rssBefore = memory("VmRSS")
let t0 = now()
let encoder: ImageEncoder
do {
    let calibration = overridden(argument("--clips").flatMap { Int8Calibration(text: $0) } ?? .shipped)
    encoder = try ImageEncoder(threads: threads, kernels: kernels, precision: precision, calibration: calibration)
} catch {
    FileHandle.standardError.write(Data("EmbeddingBenchmark: \(error)\n".utf8))
    exit(1)
}
let loadSeconds = now() - t0
let per = ImageEncoder.inputSize * ImageEncoder.inputSize * 3
let batch1: [Float] = (0..<per).map { i in Float((i * 7919) % 255) / 64 - 2 }
_ = try! encoder.encode(normalizedNHWC: batch1, count: 1) // allocates the thread team and arenas
// Model resident memory = RSS after loading and one pass (weights, arenas, threads) minus before.
print("kernels=\(kernels) precision=\(precision) int8_kernels=\(Int8KernelISA.preferred) threads=\(threads) load_ms=\(String(format: "%.1f", loadSeconds * 1e3)) rss_before_load_mb=\(String(format: "%.1f", rssBefore)) rss_after_load_mb=\(String(format: "%.1f", memory("VmRSS")))")

// Seeded normal-ish inputs, like the anchor's rng.standard_normal.
let batch32: [Float] = {
    var state: UInt64 = 42
    func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24)
    }
    return (0..<(32 * per)).map { _ in (uniform() + uniform() + uniform() - 1.5) * 2 }
}()

if only.contains("batch32") {
    _ = try! encoder.encode(normalizedNHWC: batch32, count: 32)
    var times: [Double] = []
    for _ in 0..<reps32 {
        let t = now()
        _ = try! encoder.encode(normalizedNHWC: batch32, count: 32)
        times.append(now() - t)
    }
    print(String(format: "batch32_ms=%.2f batch32_p10_ms=%.2f batch32_img_per_s=%.1f", median(times) * 1e3, p10(times) * 1e3, 32 / median(times)))
}
if only.contains("batch1") {
    for _ in 0..<5 { _ = try! encoder.encode(normalizedNHWC: batch1, count: 1) }
    var times: [Double] = [], cpu: [Double] = []
    for _ in 0..<reps1 {
        let t = now(), c = threadCPU()
        _ = try! encoder.encode(normalizedNHWC: batch1, count: 1)
        times.append(now() - t)
        cpu.append(threadCPU() - c)
    }
    // With one thread the forward pass runs on this thread, so its CPU time is the pass's own cost
    // even when other processes preempt it.
    print(String(format: "batch1_ms=%.2f batch1_p10_ms=%.2f", median(times) * 1e3, p10(times) * 1e3)
          + (threads == 1 ? String(format: " batch1_thread_cpu_ms=%.2f batch1_thread_cpu_p10_ms=%.2f", median(cpu) * 1e3, p10(cpu) * 1e3) : ""))
}
if only.contains("jpeg"), let dir = argument("--jpeg-dir") {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
        .filter { $0.hasSuffix(".jpg") }.sorted().map { "\(dir)/\($0)" }
    var ok = 0
    encoder.encode(files: Array(files.prefix(8)), batchSize: 32) { _, _ in } // warm-up
    var times: [Double] = []
    for _ in 0..<3 {
        ok = 0
        let t = now()
        encoder.encode(files: files, batchSize: 32) { _, r in if case .success = r { ok += 1 } }
        times.append(now() - t)
    }
    print(String(format: "jpeg_files=%d jpeg_ok=%d jpeg_s=%.3f jpeg_per_s=%.1f", files.count, ok, median(times), Double(files.count) / median(times)))
}
// Resident memory over a long run: `--soak N` embeds N images from `--jpeg-dir` (cycling through the
// files, batches of 32, decoding included) and prints RSS every 2,000 images.
if let soak = Int(argument("--soak") ?? ""), let dir = argument("--jpeg-dir") {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
        .filter { $0.hasSuffix(".jpg") }.sorted().map { "\(dir)/\($0)" }
    var done = 0, nextReport = 0
    let t = now()
    while done < soak, !files.isEmpty {
        let chunk = (0..<min(320, soak - done)).map { files[(done + $0) % files.count] }
        encoder.encode(files: chunk, batchSize: 32) { _, _ in }
        done += chunk.count
        if done >= nextReport {
            print(String(format: "soak_images=%d soak_rss_mb=%.1f soak_per_s=%.1f", done, memory("VmRSS"), Double(done) / (now() - t)))
            nextReport += 2000
        }
    }
}
print(String(format: "rss_end_mb=%.1f rss_peak_mb=%.1f", memory("VmRSS"), memory("VmHWM")))
