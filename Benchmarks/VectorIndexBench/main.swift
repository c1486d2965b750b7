// A lean stand-in for `vsearch vectors build|search` with the same arguments and last output lines, linked
// against VectorIndex only, so scripts/bench-vectors-pq can run (VSEARCH_BIN=…/vindex-bench) without
// building the whole CLI (HTTP server, codecs, models). The search path is the library's, as in vsearch.
import Foundation
import VectorIndex

func option(_ args: [String], _ name: String) -> String? {
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 2, args[0] == "vectors", ["build", "search"].contains(args[1]) else {
    FileHandle.standardError.write("usage: vindex-bench vectors build|search [vsearch vectors options]\n".data(using: .utf8)!)
    exit(2)
}
BLASThreads.set(1)
let clock = ContinuousClock()
do {
    if args[1] == "build" {
        let source = try FvecsFile(path: option(args, "base")!)
        let writer = try IVFIndexWriter(directory: option(args, "index")!)
        var options = IVFBuildOptions(nlist: option(args, "nlist").flatMap { Int($0) }, metric: Metric(name: option(args, "metric") ?? "ip")!,
                                      encoding: EncodingKind(name: option(args, "encoding") ?? "flat")!,
                                      threads: option(args, "threads").flatMap { Int($0) } ?? 2,
                                      pqSubquantizers: option(args, "pq-m").flatMap { Int($0) })
        options.pqRotation = args.contains("--opq")
        let r = try writer.build(from: source, options: options)
        print("vectors=\(r.vectors) train_seconds=\(String(format: "%.4f", r.trainSeconds)) add_seconds=\(String(format: "%.4f", r.addSeconds)) bytes=\(r.bytes) nlist=\(r.nlist) version=\(r.version)")
    } else {
        let queryFile = try FvecsFile(path: option(args, "queries")!)
        let q = queryFile.allVectors()
        let k = Int(option(args, "k") ?? "10")!
        let threads = Int(option(args, "threads") ?? "1")!
        let t0 = clock.now
        let idx = try IVFIndex.open(directory: option(args, "index")!)
        let t1 = clock.now
        try idx.verify(threads: threads)
        let t2 = clock.now
        let cpu0 = cpuSeconds()
        let results = try idx.search(batch: q, k: k, options: SearchOptions(nprobe: Int(option(args, "nprobe") ?? "16")!, threads: threads,
                                                                            rerankFactor: Int(option(args, "rerank") ?? "2")!))
        let t3 = clock.now
        let cpu = cpuSeconds() - cpu0
        var ids = [Int32](repeating: -1, count: results.count * k)
        for (i, r) in results.enumerated() {
            for (j, n) in r.enumerated() { ids[i * k + j] = Int32(truncatingIfNeeded: n.id) }
        }
        try VecsFormat.writeIvecs(ids, dimension: k, to: option(args, "out")!)
        let search = (t3 - t2).seconds
        print("queries=\(results.count) open_seconds=\(String(format: "%.4f", (t1 - t0).seconds)) search_seconds=\(String(format: "%.4f", search)) qps=\(String(format: "%.1f", Double(results.count) / max(search, 1e-9))) verify_seconds=\(String(format: "%.4f", (t2 - t1).seconds)) search_cpu_seconds=\(String(format: "%.4f", cpu))")
    }
} catch {
    FileHandle.standardError.write("vindex-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
