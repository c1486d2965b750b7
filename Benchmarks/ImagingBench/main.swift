// The Swift side of scripts/bench-imaging: read + decode + resize to the 224×224 model input, one thread.
//
//   imaging-bench [--repeat R] [--size N] [--out crops.rgb] [--resize-only] FILE...
//
// --resize-only decodes every file once before timing and then times only the resize to the crop.
//
// Prints one JSON line: per-repeat wall and CPU seconds for the whole file list, and writes the crops of the
// last repeat (N×N×3 bytes per file, in order) to --out so the driver can compare them with Pillow's.
#if canImport(Glibc)
import Glibc
#endif
import Imaging

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 5, size = 224, outPath: String?
var files = [String]()
var resizeOnly = false
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--repeat": repeats = Int(arguments.removeFirst())!
    case "--size": size = Int(arguments.removeFirst())!
    case "--out": outPath = arguments.removeFirst()
    case "--resize-only": resizeOnly = true
    default: files.append(argument)
    }
}

func clock(_ id: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(id, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
func now() -> Double { clock(CLOCK_MONOTONIC) }
/// CPU time of this process: less disturbed than wall time when other jobs share the machine.
func cpu() -> Double { clock(CLOCK_PROCESS_CPUTIME_ID) }

let decoded = resizeOnly ? files.map { try! ImageDecoder.decode(path: $0) } : []
var seconds = [Double](), cpuSeconds = [Double]()
var crops = [[UInt8]]()
var failures = 0
for round in 0..<repeats {
    var last = [[UInt8]]()
    let start = now(), cpuStart = cpu()
    for (index, file) in files.enumerated() {
        if resizeOnly {
            let shorter = Int((Double(size) * 256 / 224).rounded())
            let image = decoded[index].modelInput(resizeShorterSideTo: shorter, crop: size)
            if round == repeats - 1 { last.append(image.pixels) }
            continue
        }
        do {
            let image = try ImageDecoder.decodeResized(path: file, size: size, mode: .crop)
            if round == repeats - 1 { last.append(image.pixels) }
        } catch {
            failures += 1
            if round == repeats - 1 { last.append([UInt8](repeating: 0, count: size * size * 3)) }
            print("error: \(error)")
        }
    }
    seconds.append(now() - start)
    cpuSeconds.append(cpu() - cpuStart)
    crops = last
}
if let outPath, let handle = fopen(outPath, "wb") {
    for crop in crops { _ = crop.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) } }
    fclose(handle)
}
func list(_ values: [Double]) -> String { "[" + values.map { String($0) }.joined(separator: ",") + "]" }
print("{\"files\":\(files.count),\"failures\":\(failures),\"seconds\":\(list(seconds)),\"cpu_seconds\":\(list(cpuSeconds))}")
