// Text-side benchmarks, run by scripts/bench-text beside the ONNX Runtime anchor. Not a test.
//
//   TextBenchmark minilm SENTENCES.json THREADS
//       all-MiniLM-L6-v2 forward passes on the anchor's inputs (JSON {"short": [32 texts], "long": text}):
//       the same cases as `anchors/minilm.py bench`, timed without tokenisation (as ORT's session.run is).
//   TextBenchmark build-index MANIFEST.jsonl DIR COPIES
//       ingests the manifest's items (embedding each text once), then COPIES-1 more copies of every item
//       under new ids reusing the vectors, into DIR/catalog.sqlite.
//   TextBenchmark query-latency DIR QUERIES.txt THREADS
//       text-query latency over DIR (one query per line), with a breakdown by stage; p50/p99.
import Catalog
import Embedding
import Foundation
import SearchEngine
import Tensor

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("TextBenchmark: \(message)\n".utf8))
    exit(2)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds used by the calling thread: unlike wall time, not inflated when other processes hold
/// the cores (the query path runs on one thread: BLAS and the kernels are held to 1 thread).
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    let position = p / 100 * Double(sorted.count - 1)
    let low = Int(position.rounded(.down)), high = min(sorted.count - 1, low + 1)
    return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

/// CPU seconds other processes used per wall second (from /proc/stat and our own rusage), like loadmon.py.
struct LoadMonitor {
    let start: (busy: Double, wall: Double, own: Double)
    init() { start = LoadMonitor.sample() }
    static func sample() -> (busy: Double, wall: Double, own: Double) {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: "\n").first?.split(separator: " ").dropFirst().compactMap { Double($0) } ?? []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let busy = fields.count >= 8 ? (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticks : 0
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let own = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        return (busy, now(), own)
    }
    /// Cores used by other processes since `init`.
    func foreignCores() -> Double {
        let end = LoadMonitor.sample()
        return max(0, ((end.busy - start.busy) - (end.own - start.own)) / max(1e-9, end.wall - start.wall))
    }
}

func minilm(_ args: [String]) throws {
    guard args.count == 2, let threads = Int(args[1]) else { fail("usage: minilm SENTENCES.json THREADS") }
    struct Inputs: Decodable { let short: [String]; let long: String }
    let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: URL(fileURLWithPath: args[0])))
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory)
    BLAS.threadCount = threads
    let vocabulary = encoder.tokenizer.vocabulary
    let t128 = WordPieceTokenizer(vocabulary: vocabulary, maximumLength: 128)
    let t256 = WordPieceTokenizer(vocabulary: vocabulary, maximumLength: 256)

    let tokenizeStart = now()
    for _ in 0..<20 { _ = inputs.short.map(encoder.tokenizer.encode) }
    let tokenizeSeconds = (now() - tokenizeStart) / 20
    print(String(format: "swift tokenizer, 32 short sentences: %.3f ms (%.1f µs/sentence)",
                 tokenizeSeconds * 1e3, tokenizeSeconds / 32 * 1e6))

    let short = inputs.short.map(encoder.tokenizer.encode)
    let cases: [(String, [[Int32]], Int)] = [
        ("batch1 x ~14 tok", [short[0]], 200), ("batch32 x ~14 tok", short, 20),
        ("batch1 x 128 tok", [t128.encode(inputs.long)], 50), ("batch1 x 256 tok", [t256.encode(inputs.long)], 30),
        ("batch8 x 256 tok", Array(repeating: t256.encode(inputs.long), count: 8), 5),
    ]
    let workspace = TextEncoderWorkspace()
    for (name, batch, reps) in cases {
        for _ in 0..<3 { _ = try encoder.embed(tokenIDs: batch, workspace: workspace) }
        let monitor = LoadMonitor()
        var times: [Double] = []
        for _ in 0..<reps {
            let t = now()
            _ = try encoder.embed(tokenIDs: batch, workspace: workspace)
            times.append(now() - t)
        }
        let median = percentile(times, 50), p10 = percentile(times, 10)
        let padded = name.padding(toLength: 18, withPad: " ", startingAt: 0)
        print(String(format: "swift threads=%d %@ (T=%d): median %.2f ms (p10 %.2f) = %.1f sent/s [p10: %.1f/s] n=%d bg=%.2f",
                     threads, padded, batch.map(\.count).max()!, median * 1e3, p10 * 1e3,
                     Double(batch.count) / median, Double(batch.count) / p10, reps, monitor.foreignCores()))
    }
}

func buildIndex(_ args: [String]) throws {
    guard args.count == 3, let copies = Int(args[2]), copies >= 1 else { fail("usage: build-index MANIFEST.jsonl DIR COPIES") }
    let items = try ItemManifest.items(contentsOf: URL(fileURLWithPath: args[0]))
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory)
    let index = try TextSearchIndex(directory: URL(fileURLWithPath: args[1]), encoder: encoder)
    var start = now()
    var done = 0
    for chunk in stride(from: 0, to: items.count, by: 512) {
        try index.add(Array(items[chunk..<min(items.count, chunk + 512)]))
        done = min(items.count, chunk + 512)
        FileHandle.standardError.write(Data(String(format: "\rembedded %d/%d items (%.0f/s)   ", done, items.count,
                                                   Double(done) / (now() - start)).utf8))
    }
    print(String(format: "\nembedded and stored %d items in %.1f s", items.count, now() - start))
    start = now()
    let stored = try index.catalog.textVectors(model: TextSearchIndex.textModelName, dimension: encoder.dimension)
    let keys = try index.catalog.items(keys: stored.keys)
    for copy in 1..<copies {
        var batchItems: [CatalogItem] = []
        var batchVectors: [[Float]?] = []
        for (row, key) in stored.keys.enumerated() {
            guard var item = keys[key] else { continue }
            item.id += "#\(copy)"
            batchItems.append(item)
            batchVectors.append(Array(stored.values[(row * stored.dimension)..<((row + 1) * stored.dimension)]))
        }
        try index.catalog.upsert(batchItems, textVectors: batchVectors, textModel: TextSearchIndex.textModelName)
    }
    print(String(format: "copies: %d items in the catalog (copied in %.1f s)", try index.catalog.count(), now() - start))
}

func queryLatency(_ args: [String]) throws {
    guard args.count == 3, let threads = Int(args[2]) else { fail("usage: query-latency DIR QUERIES.txt THREADS") }
    let queries = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory)
    BLAS.threadCount = threads
    let start = now()
    let index = try TextSearchIndex(directory: URL(fileURLWithPath: args[0]), encoder: encoder)
    print(String(format: "opened %d items, %d text vectors in %.2f s", try index.catalog.count(), index.vectorCount, now() - start))
    let options = TextSearchOptions(k: 10)
    for query in queries.prefix(20) { _ = try index.search(query, options: options) }  // warm caches
    var wall: [String: [Double]] = [:], cpu: [String: [Double]] = [:]
    var slowLexical: [(Double, String)] = []
    /// Times `body` (wall and thread CPU) under `stage`.
    func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let w = now(), c = threadCPU()
        let result = try body()
        wall[stage, default: []].append(now() - w)
        cpu[stage, default: []].append(threadCPU() - c)
        return result
    }
    let monitor = LoadMonitor()
    for query in queries {
        _ = try measure("full") { try index.search(query, options: options) }
        _ = try measure("bm25") { try index.catalog.lexicalSearch(query, limit: options.candidatesPerSource) }
        slowLexical.append((cpu["bm25"]!.last!, query))
        let vector = measure("embed") { encoder.embed(query) }
        _ = measure("scan") { index.semanticSearch(vector, k: options.candidatesPerSource) }
    }
    let bg = monitor.foreignCores()
    print("threads=\(threads) queries=\(queries.count) k=10 candidates/source=\(options.candidatesPerSource) bg=\(String(format: "%.2f", bg))")
    let names = [("full", "full text query (BM25 + embed + vector scan + fuse + fetch)"), ("bm25", "BM25 alone (FTS5)"),
                 ("embed", "query embedding alone (MiniLM)"), ("scan", "vector search alone (int8 scan + exact rescoring)")]
    for (stage, label) in names {
        let w = wall[stage]!, c = cpu[stage]!
        print(String(format: "  %@  CPU p50 %6.2f ms  p99 %6.2f ms | wall p50 %6.2f ms  p99 %6.2f ms",
                     label.padding(toLength: 62, withPad: " ", startingAt: 0),
                     percentile(c, 50) * 1e3, percentile(c, 99) * 1e3, percentile(w, 50) * 1e3, percentile(w, 99) * 1e3))
    }
    print("  slowest BM25 queries (CPU ms): " + slowLexical.sorted { $0.0 > $1.0 }.prefix(5)
        .map { String(format: "%.1f %@", $0.0 * 1e3, "'\($0.1)'") }.joined(separator: ", "))
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "minilm": try minilm(Array(arguments.dropFirst()))
    case "build-index": try buildIndex(Array(arguments.dropFirst()))
    case "query-latency": try queryLatency(Array(arguments.dropFirst()))
    default: fail("usage: TextBenchmark minilm|build-index|query-latency …")
    }
} catch {
    fail("\(error)")
}
