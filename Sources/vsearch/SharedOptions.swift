import ArgumentParser
import Foundation
import SearchEngine
import VectorIndex
import VideoFrames
import Logging
import SearchHTTP

// Option groups that several commands take with the same meaning: declared once, so a flag's name,
// default, help and validation cannot drift apart between commands (`@OptionGroup` keeps the flag names).

/// `--index DIR`: the index directory an index command works on.
struct IndexOption: ParsableArguments {
    @Option(help: "Index directory (made by vsearch build).") var index: String

    var directory: IndexDirectory { IndexDirectory(path: index) }
}

/// `--nprobe N`: IVF lists probed per visual query, for the commands that query one index (`search`, `serve`).
struct NProbeOption: ParsableArguments {
    @Option(help: "IVF lists probed per visual query (default: the index's saved default from eval --ann --save, else 32).") var nprobe: Int?

    func validate() throws {
        guard (nprobe ?? 1) >= 1 else { throw TextCommandSupport.usage("", "--nprobe must be at least 1") }
    }
}

/// `--threads N` for the commands that embed many inputs: default, every core.
struct WorkerThreadsOption: ParsableArguments {
    @Option(help: "Threads (default: the number of cores).") var threads: Int?

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw TextCommandSupport.usage("", "--threads must be at least 1") }
    }

    /// The thread count to run with.
    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// `--batch`, `--threads`, `--frame-interval`, `--max-frames`: how the build pipeline embeds its inputs,
/// the same for `vsearch build` and `vsearch segment write` (a segment is that pipeline's output).
struct EmbeddingPipelineOptions: ParsableArguments {
    @Option(help: "Images per forward pass and per checkpoint.") var batch: Int = 32
    @OptionGroup var threads: WorkerThreadsOption
    @Option(help: "Seconds between sampled video frames.") var frameInterval: Double = 1
    @Option(help: "Most frames kept per video.") var maxFrames: Int = 600

    func validate() throws {
        guard batch >= 1 else { throw TextCommandSupport.usage("", "--batch must be at least 1") }
        guard frameInterval > 0, frameInterval.isFinite else { throw TextCommandSupport.usage("", "--frame-interval must be > 0") }
        guard (1...VisualVectorID.maxFramesPerItem).contains(maxFrames) else {
            throw TextCommandSupport.usage("", "--max-frames must be 1…\(VisualVectorID.maxFramesPerItem)")
        }
    }

    /// The video sampling these options ask for.
    var sampling: SamplingPolicy {
        var sampling = SamplingPolicy()
        sampling.interval = frameInterval
        sampling.maxFrames = maxFrames
        return sampling
    }

    /// Build options with this batch size, thread count and sampling (the rest at their defaults).
    var buildOptions: BuildOptions { BuildOptions(batchSize: batch, threads: threads.count, sampling: sampling) }
}

/// `--encoding`, `--pq-m`, `--opq`: how the visual index stores its vectors (`build`, `build --refresh`,
/// `segment merge`).
struct IndexEncodingOptions: ParsableArguments {
    @Option(help: "Vector encoding: auto (chosen from the collection's size and the machine's memory), flat, sq8, pq or pq4fs.") var encoding: String = "auto"
    @Option(help: "pq/pq4fs: sub-quantisers m (default d/4 for pq4fs, d/8 for pq).") var pqM: Int?
    @Flag(help: "pq/pq4fs: learn an OPQ rotation before the codebooks (lower quantisation error when variance is uneven across dimensions, as in CNN embeddings; costs a d × d product per vector and query). With auto it applies when a PQ encoding is chosen.")
    var opq = false

    func validate() throws {
        guard encoding == "auto" || kind != nil else { throw TextCommandSupport.usage("", "--encoding must be auto, flat, sq8, pq or pq4fs") }
        if let kind, !kind.isProductQuantized {
            if pqM != nil { throw TextCommandSupport.usage("", "--pq-m applies to --encoding pq or pq4fs only") }
            if opq { throw TextCommandSupport.usage("", "--opq applies to --encoding pq or pq4fs only") }
        }
    }

    /// The encoding asked for; nil for auto.
    var kind: EncodingKind? { EncodingKind(name: encoding) }
}

/// `--visual-weight`, `--bm25-weight`, `--semantic-weight`, `--concepts-weight`, `--rrf-k`: how a query's
/// rankings are fused (the same names and defaults as the HTTP parameters `visual_weight`, `bm25_weight`,
/// `semantic_weight`, `concepts_weight`, `rrf_k`).
struct FusionOptions: ParsableArguments {
    @Option(help: "RRF weight of the visual ranking.") var visualWeight: Double = 1
    @Option(help: "RRF weight of the BM25 ranking.") var bm25Weight: Double = 1
    @Option(help: "RRF weight of the semantic ranking.") var semanticWeight: Double = 1
    @Option(help: "RRF weight of the concepts ranking (text against the images' CNN classes in MiniLM space; 0 turns it off).") var conceptsWeight: Double = 1
    @Option(help: "RRF constant k.") var rrfK: Double = 60

    func validate() throws {
        guard [visualWeight, bm25Weight, semanticWeight, conceptsWeight].allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw TextCommandSupport.usage("search", "weights must be finite and ≥ 0")
        }
        guard rrfK >= 0, rrfK.isFinite else { throw TextCommandSupport.usage("search", "--rrf-k must be finite and ≥ 0") }
    }

    var fusion: ReciprocalRankFusion {
        ReciprocalRankFusion(k: rrfK, weights: [.bm25: bm25Weight, .semantic: semanticWeight, .visual: visualWeight,
                                               .concepts: conceptsWeight])
    }
}

/// `--host`, `--port`, `--token-file`: where an HTTP server listens and which token its writes need.
struct ListenOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).") var port: Int = 8080
    @Option(help: "File holding the API token for writes (default: $VSEARCH_API_TOKEN).") var tokenFile: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw TextCommandSupport.usage("", "--port must be 0…65535") }
    }

    /// The write token from `--token-file`, else `$VSEARCH_API_TOKEN`, else none (writes refused).
    func apiToken() throws -> APIToken? {
        try tokenFile.map(APIToken.load(file:)) ?? ProcessInfo.processInfo.environment[APIToken.environmentVariable].flatMap(APIToken.init)
    }
}

/// `--max-upload-mb`, `--timeout`, `--log-level`: the limits and logging of an HTTP server (`serve`, `router`).
struct ServerLimitsOptions: ParsableArguments {
    @Option(help: "Largest request body in MiB (uploads, query images).") var maxUploadMb: Int = 32
    @Option(help: "Request timeout in seconds.") var timeout: Double = 30
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel: String = "info"

    func validate() throws {
        guard (1...4096).contains(maxUploadMb) else { throw TextCommandSupport.usage("", "--max-upload-mb must be 1…4096") }
        guard timeout > 0, timeout <= 3600 else { throw TextCommandSupport.usage("", "--timeout must be 0…3600 seconds") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw TextCommandSupport.usage("", "unknown --log-level '\(logLevel)'") }
    }

    var maxUploadBytes: Int { maxUploadMb << 20 }
    var requestTimeout: Duration { .milliseconds(Int64(timeout * 1000)) }

    /// The server's logger at `--log-level`.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}
