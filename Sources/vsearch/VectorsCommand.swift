import ArgumentParser
import Foundation
import VectorIndex

/// `vsearch vectors build|search`: IVF index over fvecs files (TEXMEX format), for benchmarks and tests.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Build and search an on-disk IVF vector index from fvecs files.",
        subcommands: [VectorsBuild.self, VectorsSearch.self]
    )
}

/// Prints `error` to stderr naming the input and exits with status 1.
private func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("vsearch vectors: \(error)\n".utf8))
    return ExitCode(1)
}

private func format(_ x: Double) -> String { String(format: "%.4f", x) }

struct VectorsBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Train the coarse quantizer and write a new index version from a base fvecs file.",
        discussion: "Prints a last line: vectors=N train_seconds=… add_seconds=… bytes=…"
    )

    @Option(help: "Base vectors (fvecs). Row i gets id i.") var base: String
    @Option(help: "Index directory (created if missing; a new version is published atomically).") var index: String
    @Option(help: "Inverted lists (default ≈ 4·√N).") var nlist: Int?
    @Option(help: "flat (fp32), sq8 (8-bit), pq (m × 8-bit PQ) or pq4fs (m × 4-bit fast-scan PQ); the compressed ones keep fp32 vectors on disk for re-ranking.")
    var encoding: String = "flat"
    @Option(help: "pq/pq4fs: sub-quantisers m (divides the dimension; even for pq4fs). Default d/4 for pq4fs, d/8 for pq.") var pqM: Int?
    @Flag(help: "pq/pq4fs: learn an OPQ rotation before the codebooks (lower quantisation error on uneven data; d × d per vector and query).") var opq = false
    @Option(help: "ip (inner product / cosine) or l2.") var metric: String = "ip"
    @Option(help: "Worker threads for training and assignment.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "k-means iterations.") var iterations: Int = 12
    @Option(help: "k-means seed.") var seed: UInt64 = 1234

    func validate() throws {
        guard let kind = EncodingKind(name: encoding) else { throw ValidationError("--encoding must be flat, sq8, pq or pq4fs, got '\(encoding)'") }
        if pqM != nil && !kind.isProductQuantized { throw ValidationError("--pq-m applies to --encoding pq or pq4fs only") }
        if opq && !kind.isProductQuantized { throw ValidationError("--opq applies to --encoding pq or pq4fs only") }
        guard Metric(name: metric) != nil else { throw ValidationError("--metric must be ip or l2, got '\(metric)'") }
        if let nlist, nlist < 1 { throw ValidationError("--nlist must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BLASThreads.set(1)
        do {
            let source = try FvecsFile(path: base)
            let writer = try IVFIndexWriter(directory: index)
            var options = IVFBuildOptions(nlist: nlist, metric: Metric(name: metric)!, encoding: EncodingKind(name: encoding)!,
                                          iterations: iterations, seed: seed, threads: threads, pqSubquantizers: pqM)
            options.pqRotation = opq
            let report = try writer.build(from: source, options: options)
            print("vectors=\(report.vectors) train_seconds=\(format(report.trainSeconds)) add_seconds=\(format(report.addSeconds)) bytes=\(report.bytes) nlist=\(report.nlist) version=\(report.version)")
        } catch {
            throw fail(error)
        }
    }
}

struct VectorsSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index with query vectors (fvecs); write the top-k ids per query (ivecs, -1 pads).",
        discussion: """
            Prints a last line: queries=N open_seconds=… search_seconds=… qps=… verify_seconds=… search_cpu_seconds=…
            open_seconds: map the files and verify header, centroids and list directory. verify_seconds: check \
            every list's checksum once (reads the whole file; otherwise done lazily on first touch). \
            search_seconds covers the search call only (wall clock); search_cpu_seconds is the CPU time it used \
            (all threads), a figure that other processes on a shared machine disturb less.
            """
    )

    @Option(help: "Index directory.") var index: String
    @Option(help: "Query vectors (fvecs).") var queries: String
    @Option(help: "Neighbours per query.") var k: Int = 10
    @Option(help: "Lists probed per query.") var nprobe: Int = 16
    @Option(help: "Output ids (ivecs).") var out: String
    @Option(help: "Threads for the batch of queries.") var threads: Int = 1
    @Option(help: "sq8/pq/pq4fs: re-rank k × this many candidates exactly (0 = off).") var rerank: Int = 2

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard nprobe >= 1 else { throw ValidationError("--nprobe must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard rerank >= 0 else { throw ValidationError("--rerank must be 0 or more") }
    }

    func run() throws {
        BLASThreads.set(1)
        do {
            let clock = ContinuousClock()
            let queryFile = try FvecsFile(path: queries)
            let q = queryFile.allVectors()
            let t0 = clock.now
            let idx = try IVFIndex.open(directory: index)
            let t1 = clock.now
            guard queryFile.dimension == idx.dimension else {
                throw ValidationError("\(queries): queries have dimension \(queryFile.dimension), the index has \(idx.dimension)")
            }
            try idx.verify(threads: threads)
            let t2 = clock.now
            let cpu0 = processCPUSeconds()
            let results = try idx.search(batch: q, k: k, options: SearchOptions(nprobe: nprobe, threads: threads, rerankFactor: rerank))
            let t3 = clock.now
            let cpu = processCPUSeconds() - cpu0
            var ids = [Int32](repeating: -1, count: results.count * k)
            for (i, r) in results.enumerated() {
                for (j, n) in r.enumerated() { ids[i * k + j] = Int32(truncatingIfNeeded: n.id) }
            }
            try VecsFormat.writeIvecs(ids, dimension: k, to: out)
            let search = (t3 - t2).seconds
            print("queries=\(results.count) open_seconds=\(format((t1 - t0).seconds)) search_seconds=\(format(search)) qps=\(String(format: "%.1f", Double(results.count) / max(search, 1e-9))) verify_seconds=\(format((t2 - t1).seconds)) search_cpu_seconds=\(format(cpu))")
        } catch {
            throw fail(error)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// CPU time used so far by this process (all threads), in seconds.
private func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
