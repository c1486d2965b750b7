// Text-side benchmarks, run by scripts/bench-text beside the ONNX Runtime anchor. Not a test.
//
//   TextBenchmark minilm SENTENCES.json THREADS [CASE-PREFIX]
//       all-MiniLM-L6-v2 forward passes on the anchor's inputs (JSON {"short": [32 texts], "long": text}):
//       the same cases as `anchors/minilm.py bench`, timed without tokenisation (as ORT's session.run is).
//   TextBenchmark build-index MANIFEST.jsonl DIR COPIES
//       ingests the manifest's items (embedding each text once), then COPIES-1 more copies of every item
//       under new ids reusing the vectors, into DIR/catalog.sqlite.
//   TextBenchmark build-vector-index DIR [NLIST]
//       (re)builds DIR's text IVF from the catalog's vectors (build-index does it at the end).
//   TextBenchmark text-recall DIR QUERIES.txt NPROBE[,NPROBE…]
//       recall@10/@100 of the text IVF against the exact scan, and its CPU time, per nprobe.
//   TextBenchmark bm25-shards DIR QUERIES.txt N[,N…]
//       per-shard BM25 statistics (issue #15): DIR's catalog split into N shards by the cluster's placement
//       (xxh64(id) mod N, copies of the catalog with the other shards' items removed); each query's BM25 top-10
//       merged from the shards by score, as the router merges, against the one-catalog top-10.
//   TextBenchmark shard-candidates DIR QUERIES.txt
//       what a text query costs a cluster shard holding all of DIR (issue #15): QueryEngine.candidates (every
//       source as deep as one machine ranks), the JSON it sends and the router's decode + merge, against the
//       same query on one machine (QueryEngine.page); and whether the two steps give one machine's hits.
//   TextBenchmark query-latency DIR QUERIES.txt THREADS
//       text-query latency over DIR (one query per line), with a breakdown by stage; p50/p99. The first
//       $WARM queries (default 20) are run once untimed first (caches, document-frequency lookups).
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

/// Waits (up to `$ANCHOR_WAIT_QUIET` seconds, default 20, as the anchors' loadmon.py does) until other
/// processes use less than 0.3 cores over a 1-second window, so both sides are timed in quiet moments.
func waitQuiet() {
    let limit = Double(ProcessInfo.processInfo.environment["ANCHOR_WAIT_QUIET"] ?? "") ?? 20
    let deadline = now() + limit
    while now() < deadline {
        let monitor = LoadMonitor()
        usleep(1_000_000)
        if monitor.foreignCores() < 0.3 { return }
    }
}

func minilm(_ args: [String]) throws {
    guard args.count >= 2, let threads = Int(args[1]) else { fail("usage: minilm SENTENCES.json THREADS [CASE-PREFIX]") }
    let only = args.count > 2 ? args[2] : ""
    struct Inputs: Decodable { let short: [String]; let long: String }
    let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: URL(fileURLWithPath: args[0])))
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory, threads: threads)
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
    for (name, batch, reps) in cases where name.hasPrefix(only) {
        waitQuiet()
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
    try buildVectorIndex([args[1]])
}

/// Builds (or rebuilds) DIR's text IVF from the catalog's vectors, as index builds do.
func buildVectorIndex(_ args: [String]) throws {
    guard args.count == 1 || args.count == 2 else { fail("usage: build-vector-index DIR [NLIST]") }
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory)
    let index = try TextSearchIndex(directory: URL(fileURLWithPath: args[0]), encoder: encoder, searchable: false)
    let start = now()
    let count = try index.buildVectorIndex(nlist: args.count > 1 ? Int(args[1]) : nil, threads: ProcessInfo.processInfo.activeProcessorCount)
    print(String(format: "text IVF: %d vectors indexed in %.1f s (%@)", count, now() - start, index.vectorIndexDirectory))
}

/// Recall of the text IVF against the exact flat scan of the same vectors, and the scan's CPU time,
/// for each nprobe: the query vectors are the MiniLM embeddings of the benchmark queries.
func textRecall(_ args: [String]) throws {
    guard args.count == 3 else { fail("usage: text-recall DIR QUERIES.txt NPROBE[,NPROBE…]") }
    let queries = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
    let probes = args[2].split(separator: ",").compactMap { Int($0) }
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory)
    BLAS.threadCount = 1
    let url = URL(fileURLWithPath: args[0])
    let flat = FlatVectorStore(try TextSearchIndex(directory: url, encoder: encoder, searchable: false).catalog
        .textVectors(model: TextSearchIndex.textModelName, dimension: encoder.dimension))
    let vectors = queries.map { encoder.embed($0) }
    var exactCPU: [Double] = []
    let truth: [[ItemKey]] = vectors.map { v in
        let c = threadCPU()
        let keys = flat.exactSearch(v, k: 100).map(\.key)
        exactCPU.append(threadCPU() - c)
        return keys
    }
    var int8CPU: [Double] = []
    var int8Hits10 = 0, int8Hits100 = 0
    for (v, t) in zip(vectors, truth) {
        let c = threadCPU()
        let found = flat.search(v, k: 100).map(\.key)
        int8CPU.append(threadCPU() - c)
        int8Hits100 += Set(found).intersection(t).count
        int8Hits10 += Set(found.prefix(10)).intersection(t.prefix(10)).count
    }
    print(String(format: "exact fp32 scan (BLAS) of %d vectors: CPU p50 %.2f ms", flat.count, percentile(exactCPU, 50) * 1e3))
    print(String(format: "flat int8 scan + exact rescoring (the old store): recall@10 %.4f recall@100 %.4f  CPU p50 %.2f p99 %.2f ms",
                 Double(int8Hits10) / Double(10 * queries.count), Double(int8Hits100) / Double(100 * queries.count),
                 percentile(int8CPU, 50) * 1e3, percentile(int8CPU, 99) * 1e3))
    for nprobe in probes {
        let index = try TextSearchIndex(directory: url, encoder: encoder, semanticProbes: nprobe)
        for v in vectors.prefix(20) { _ = try index.semanticSearch(v, k: 100) }  // first touch verifies lists
        var cpu: [Double] = []
        var hits10 = 0, hits100 = 0
        for (v, t) in zip(vectors, truth) {
            let c = threadCPU()
            let found = try index.semanticSearch(v, k: 100).map(\.key)
            cpu.append(threadCPU() - c)
            hits100 += Set(found).intersection(t).count
            hits10 += Set(found.prefix(10)).intersection(t.prefix(10)).count
        }
        print(String(format: "text IVF nprobe %4d: recall@10 %.4f recall@100 %.4f  CPU p50 %.3f p99 %.3f ms",
                     nprobe, Double(hits10) / Double(10 * queries.count), Double(hits100) / Double(100 * queries.count),
                     percentile(cpu, 50) * 1e3, percentile(cpu, 99) * 1e3))
    }
}

func bm25Shards(_ args: [String]) throws {
    guard args.count == 3 else { fail("usage: bm25-shards DIR QUERIES.txt N[,N…]") }
    let queries = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
    let whole = try Catalog(path: args[0] + "/catalog.sqlite")
    var ids: [String] = []
    var cursor: String?
    repeat {
        let page = try ItemListing.page(whole, cursor: cursor, limit: ItemListing.maximumLimit)
        ids += page.items.map(\.id)
        cursor = page.nextCursor
    } while cursor != nil
    // Shard copies are kept between runs (splitting 100k items takes minutes); delete the folder to redo them.
    let work = NSTemporaryDirectory() + "vsearch-bm25-shards"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    func top(_ catalog: Catalog, _ query: String, _ limit: Int, _ statistics: LexicalStatistics? = nil) throws -> [(id: String, score: Double)] {
        let hits = try catalog.lexicalSearch(query, limit: limit, statistics: statistics)
        let items = try catalog.items(keys: hits.map(\.key))
        return hits.compactMap { hit in items[hit.key].map { ($0.id, hit.score) } }
    }
    // One catalog: the top-10 and every item's score deep enough to judge a merged top-10 (ties included).
    let single = try queries.map { try top(whole, $0, 1000) }
    for n in args[2].split(separator: ",").compactMap({ Int($0) }) where n > 1 {
        let start = now()
        var shards: [Catalog] = []
        for shard in 0..<n {
            let path = "\(work)/shard\(n)-\(shard).sqlite"
            if !FileManager.default.fileExists(atPath: path + ".done") {
                try? FileManager.default.removeItem(atPath: path)
                try whole.copy(to: path)
                let copy = try Catalog(path: path)
                for id in ids where ShardSelection.shard(of: id, count: n) != shard { _ = try copy.remove(id: id) }
                _ = FileManager.default.createFile(atPath: path + ".done", contents: nil)
            }
            shards.append(try Catalog(path: path))
        }
        let sizes = try shards.map { try $0.count() }
        // Per-shard statistics (each shard's own FTS5 figures), then the cluster's: every shard's summed
        // (the router's first round), timed per shard.
        for global in [false, true] {
            var exactSet = 0, upToTies = 0, compared = 0
            var agreement = 0.0, relativeError = 0.0, scored = 0
            var statisticsTime: [Double] = []
            for (query, expected) in zip(queries, single) where !expected.isEmpty {
                var statistics: LexicalStatistics?
                if global {
                    statistics = LexicalStatistics.summing(try shards.map { shard in
                        let t = now()
                        defer { statisticsTime.append(now() - t) }
                        return try shard.lexicalStatistics(for: FTSQuery(query))
                    })
                }
                let local = try shards.flatMap { try top($0, query, 10, statistics) }
                let merged = local.sorted { a, b in a.score != b.score ? a.score > b.score : a.id < b.id }.prefix(10)
                let wanted = expected.prefix(10)
                let tenth = wanted.last!.score
                let oneMachine = Dictionary(expected.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
                compared += 1
                // A merged result agrees when one machine ranks it inside its top-10 (equal scores count: ties).
                let agreeing = merged.filter { (oneMachine[$0.id] ?? -1) >= tenth - 1e-9 * abs(tenth) }.count
                agreement += Double(agreeing) / Double(wanted.count)
                if agreeing == wanted.count && merged.count == wanted.count { upToTies += 1 }
                if merged.map(\.id) == wanted.map(\.id) { exactSet += 1 }
                for hit in local { if let score = oneMachine[hit.id], score != 0 { relativeError += abs(hit.score / score - 1); scored += 1 } }
            }
            print(String(format: "N=%d shards (items %@; %.0f s), %@: %d queries with BM25 hits — top-10 agreement up to ties %.4f (all 10 agree: %.1f %%; identical id order %.1f %%); shard BM25 vs one-catalog BM25 of the same item: mean relative difference %.2e%@",
                         n, sizes.map(String.init).joined(separator: "/"), now() - start,
                         global ? "summed statistics" : "per-shard statistics", compared, agreement / Double(max(1, compared)),
                         100 * Double(upToTies) / Double(max(1, compared)), 100 * Double(exactSet) / Double(max(1, compared)),
                         relativeError / Double(max(1, scored)),
                         global ? String(format: "; statistics per shard p50 %.3f ms p99 %.3f ms", percentile(statisticsTime, 50) * 1e3,
                                         percentile(statisticsTime, 99) * 1e3) : ""))
        }
    }
}

func shardCandidates(_ args: [String]) throws {
    guard args.count == 2 else { fail("usage: shard-candidates DIR QUERIES.txt") }
    let queries = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let engine = QueryEngine(snapshot: try IndexSnapshot(index: IndexDirectory(path: args[0])),
                             models: QueryModels(text: try TextEncoder(modelDirectory: directory, threads: 1)))
    var onePage: [Double] = [], shard: [Double] = [], encode: [Double] = [], decode: [Double] = [], merge: [Double] = []
    var bytes: [Double] = [], fetchedRows = 0, fetchingQueries = 0, same = 0, compared = 0
    for (n, text) in queries.enumerated() {
        let request = SearchRequest(text: text, options: QueryOptions(k: 10))
        var query = try engine.shardQuery(for: request)  // the router's work (MiniLM), not timed
        query.lexicalStatistics = try engine.lexicalStatistics(for: text)
        var t = threadCPU()
        let local = try engine.hits(for: request)
        let localTime = threadCPU() - t
        t = threadCPU()
        let answer = try engine.candidates(for: query)
        let shardTime = threadCPU() - t
        t = threadCPU()
        let wire = try JSONEncoder().encode(answer)
        let encodeTime = threadCPU() - t
        t = threadCPU()
        let decoded = try JSONDecoder().decode(ShardCandidates.self, from: wire)
        let decodeTime = threadCPU() - t
        t = threadCPU()
        var merged = QueryEngine.merge([decoded], options: request.options, hasText: true)
        let missing = merged.missingItemIDs
        for row in try engine.itemRows(ids: missing) { merged.items[row.id] = row }
        let hits = merged.hits()
        let mergeTime = threadCPU() - t
        guard n >= 10 else { continue }  // the first queries warm caches
        onePage.append(localTime); shard.append(shardTime); encode.append(encodeTime); decode.append(decodeTime)
        merge.append(mergeTime); bytes.append(Double(wire.count)); fetchedRows += missing.count
        if !missing.isEmpty { fetchingQueries += 1 }
        compared += 1
        if hits == local { same += 1 }
    }
    func row(_ name: String, _ values: [Double]) {
        print(name.padding(toLength: 46, withPad: " ", startingAt: 0)
              + String(format: "p50 %8.3f ms  p99 %8.3f ms", percentile(values, 50) * 1e3, percentile(values, 99) * 1e3))
    }
    print("\(compared) text queries, k = 10, 1 thread, CPU time (the first 10 queries warm caches, not counted)")
    row("one machine: QueryEngine.page (incl. MiniLM)", onePage)
    row("shard: QueryEngine.candidates", shard)
    row("shard: JSON encode", encode)
    row("router: JSON decode", decode)
    row("router: merge + fuse + rows + hits", merge)
    print(String(format: "answer size p50 %.0f KB, p99 %.0f KB; rows fetched after the merge: %d, by %d of %d queries; two steps == one machine: %d of %d",
                 percentile(bytes, 50) / 1024, percentile(bytes, 99) / 1024, fetchedRows, fetchingQueries, compared, same, compared))
}

func queryLatency(_ args: [String]) throws {
    guard args.count == 3, let threads = Int(args[2]) else { fail("usage: query-latency DIR QUERIES.txt THREADS") }
    let queries = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
    guard let directory = TextModelLocator.miniLMDirectory() else { fail("model not found: run scripts/setup") }
    let encoder = try TextEncoder(modelDirectory: directory, threads: threads)
    let start = now()
    // The query path of `vsearch search --text` and the HTTP service: one QueryEngine over a snapshot.
    let engine = QueryEngine(snapshot: try IndexSnapshot(index: IndexDirectory(path: args[0])), models: QueryModels(text: encoder))
    let index = engine.snapshot.text
    print(String(format: "opened %d items, %d text vectors in %.2f s", try index.catalog.count(), index.vectorCount, now() - start))
    let options = QueryOptions(k: 10)
    for query in queries.prefix(Int(ProcessInfo.processInfo.environment["WARM"] ?? "20") ?? 20) {  // warm caches
        _ = try engine.hits(for: SearchRequest(text: query, options: options))
    }
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
        _ = try measure("full") { try engine.hits(for: SearchRequest(text: query, options: options)) }
        _ = try measure("bm25") { try index.catalog.lexicalSearch(query, limit: options.candidatesPerSource) }
        slowLexical.append((cpu["bm25"]!.last!, query))
        let vector = measure("embed") { encoder.embed(query) }
        _ = try measure("scan") { try index.semanticSearch(vector, k: options.candidatesPerSource) }
        // The same two retrievals at the paging depth the full query ranks to (stable pages).
        _ = try measure("bm25-deep") { try index.catalog.lexicalSearch(query, limit: options.maximumResults) }
        _ = try measure("scan-deep") { try index.semanticSearch(vector, k: options.maximumResults) }
    }
    let bg = monitor.foreignCores()
    print("threads=\(threads) queries=\(queries.count) k=10 candidates/source=\(options.candidatesPerSource) bg=\(String(format: "%.2f", bg))")
    let names = [("full", "full text query (BM25 + embed + vector scan + fuse + fetch)"), ("bm25", "BM25 alone (FTS5)"),
                 ("embed", "query embedding alone (MiniLM)"), ("scan", "vector search alone (text IVF or flat store, exact re-rank)"),
                 ("bm25-deep", "BM25 alone, paging depth (maximumResults)"), ("scan-deep", "vector search alone, paging depth")]
    for (stage, label) in names {
        let w = wall[stage]!, c = cpu[stage]!
        print(String(format: "  %@  CPU p50 %6.2f ms  p99 %6.2f ms | wall p50 %6.2f ms  p99 %6.2f ms",
                     label.padding(toLength: 62, withPad: " ", startingAt: 0),
                     percentile(c, 50) * 1e3, percentile(c, 99) * 1e3, percentile(w, 50) * 1e3, percentile(w, 99) * 1e3))
    }
    print("  slowest BM25 queries (CPU ms): " + slowLexical.sorted { $0.0 > $1.0 }.prefix(5)
        .map { String(format: "%.1f %@", $0.0 * 1e3, "'\($0.1)'") }.joined(separator: ", "))
}

/// The dense-layer kernel (fp16 weights) against OpenBLAS sgemm (fp32 weights) on MiniLM's shapes:
/// thread CPU time per call, best of several repetitions (robust to a shared machine).
func gemmBench(_ args: [String]) throws {
    let rowsList = args.isEmpty ? [8, 15, 128, 480] : args.compactMap { Int($0) }
    BLAS.threadCount = 1
    for (k, n) in [(384, 1152), (384, 384), (384, 1536), (1536, 384)] {
        let weight = (0..<(n * k)).map { Float(sin(Double($0) * 0.13)) * 0.05 }
        let packed = weight.withUnsafeBufferPointer { TransformerKernels.PackedWeights(weight: $0.baseAddress!, outFeatures: n, inFeatures: k) }
        for m in rowsList {
            let x = (0..<(m * k)).map { Float(cos(Double($0) * 0.7)) }
            var out = [Float](repeating: 0, count: m * n)
            func best(_ body: () -> Void) -> Double {
                var times: [Double] = []
                for _ in 0..<max(5, 2_000_000_000 / max(1, 2 * m * n * k) / 10) {
                    let c = threadCPU(); body(); times.append(threadCPU() - c)
                }
                return percentile(times, 10)
            }
            let ours = best {
                x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { o in
                    TransformerKernels.linear(rows: m, input: xp.baseAddress!, weights: packed, output: o.baseAddress!, accumulate: false)
                } }
            }
            let blas = best {
                x.withUnsafeBufferPointer { xp in weight.withUnsafeBufferPointer { w in out.withUnsafeMutableBufferPointer { o in
                    BLAS.gemm(transposeB: true, m: m, n: n, k: k, a: xp.baseAddress!, lda: k, b: w.baseAddress!, ldb: k,
                              c: o.baseAddress!, ldc: n)
                } } }
            }
            let flops = 2 * Double(m * n * k)
            print(String(format: "m=%4d k=%4d n=%4d  fp16 kernel (%@) %8.3f ms %6.1f GFLOP/s | OpenBLAS fp32 %8.3f ms %6.1f GFLOP/s | ratio %.2f",
                         m, k, n, "\(TransformerKernels.KernelISA.best)", ours * 1e3, flops / ours * 1e-9, blas * 1e3, flops / blas * 1e-9, blas / ours))
        }
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "minilm": try minilm(Array(arguments.dropFirst()))
    case "build-index": try buildIndex(Array(arguments.dropFirst()))
    case "build-vector-index": try buildVectorIndex(Array(arguments.dropFirst()))
    case "text-recall": try textRecall(Array(arguments.dropFirst()))
    case "gemm": try gemmBench(Array(arguments.dropFirst()))
    case "query-latency": try queryLatency(Array(arguments.dropFirst()))
    case "bm25-shards": try bm25Shards(Array(arguments.dropFirst()))
    case "shard-candidates": try shardCandidates(Array(arguments.dropFirst()))
    default: fail("usage: TextBenchmark minilm|build-index|build-vector-index|text-recall|query-latency …")
    }
} catch {
    fail("\(error)")
}
