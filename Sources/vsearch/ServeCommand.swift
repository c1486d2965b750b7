import ArgumentParser
import Cluster
import Embedding
import Foundation
import Logging
import SearchEngine
import SearchHTTP
import Tensor
import VectorIndex

/// `vsearch serve --index DIR [--host 127.0.0.1] [--port 8080]`: the HTTP API and web page (SearchHTTP)
/// until SIGTERM/SIGINT, which stops gracefully (requests in flight finish).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP search API and web page over an index directory.",
        discussion: """
            Reads are open. Writes (POST /v1/items, DELETE /v1/items/{id}) need 'Authorization: Bearer TOKEN' with the
            token from $VSEARCH_API_TOKEN or --token-file; without a token every write is refused (401 writes_disabled).
            Routes: GET / (web page), GET|POST /v1/search, POST /v1/items, GET|DELETE /v1/items/{id},
            GET /v1/items/{id}/thumbnail, /healthz, /readyz, /metrics, /openapi.yaml.
            With --etcd, --cluster and --shard it is one replica of shard K of a cluster (vsearch cluster create):
            it registers in etcd under a lease, serves the router's internal routes too, and is routed to once ready.
            """)

    @OptionGroup var location: IndexOption
    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Default: the one the index was built with.")) var precision: EncoderPrecision?
    @OptionGroup var listen: ListenOptions
    @OptionGroup var limits: ServerLimitsOptions
    @Option(help: "Image embeddings running at once (each on one core).") var embeddingConcurrency: Int = 2
    @Option(help: "Image requests allowed to wait; beyond that 503.") var embeddingQueue: Int = 32
    @OptionGroup var probing: NProbeOption
    @Option(help: "etcd client URL (cluster mode, with --cluster and --shard), e.g. http://127.0.0.1:2379.") var etcd: String?
    @Option(help: "Cluster name (cluster mode).") var cluster: String?
    @Option(help: "The shard (0-based) this index directory holds (cluster mode; built with vsearch build --shard K/N).") var shard: Int?
    @Option(help: "Base URL the router calls this replica at (cluster mode; default http://HOST:PORT as bound).") var advertise: String?
    @Option(help: "Seconds the replica's etcd lease lives without renewal (cluster mode).") var leaseSeconds: Int = 3

    func validate() throws {
        guard (1...64).contains(embeddingConcurrency), (0...10_000).contains(embeddingQueue) else {
            throw TextCommandSupport.usage("serve", "--embedding-concurrency must be 1…64 and --embedding-queue 0…10000")
        }
        let clusterFlags = [etcd != nil, cluster != nil, shard != nil]
        guard clusterFlags.allSatisfy({ $0 }) || clusterFlags.allSatisfy({ !$0 }) else {
            throw TextCommandSupport.usage("serve", "--etcd, --cluster and --shard go together (a shard replica)")
        }
        guard advertise == nil || etcd != nil else { throw TextCommandSupport.usage("serve", "--advertise applies only with --etcd") }
        guard etcd == nil || advertise != nil || !["0.0.0.0", "::", "[::]"].contains(listen.host) else {
            throw TextCommandSupport.usage("serve", "--host \(listen.host) listens on every address: give --advertise URL, the address the router can call")
        }
        guard (shard ?? 0) >= 0 else { throw TextCommandSupport.usage("serve", "--shard must be 0 or more") }
        guard (2...300).contains(leaseSeconds) else { throw TextCommandSupport.usage("serve", "--lease-seconds must be 2…300") }
        if let cluster { do { _ = try ClusterKeys(cluster: cluster) } catch { throw TextCommandSupport.usage("serve", "\(error)") } }
    }

    func run() async throws {
        let logger = limits.logger(label: "vsearch.serve")
        // Repairs of crash leftovers (a torn log tail cut by a writer) go to the server's log, not stderr.
        let repairLogger = logger
        RepairWarnings.setHandler { message in repairLogger.warning("\(message)") }
        let token = try TextCommandSupport.attempt("serve") { try listen.apiToken() }
        // One thread per query embedding: the server runs queries side by side on bounded pools (one core
        // each), and MiniLM's pre-packed small-batch kernels (the query-embedding fast path) run at one thread.
        let textEncoder = try TextCommandSupport.loadTextEncoder("serve", model: nil, threads: 1)
        let imageEncoder = try TextCommandSupport.attempt("serve") {
            try ImageEncoder(threads: 1, precision: precision ?? VersionRecords.precision.serving(location.directory))
        }
        let (host, port) = (listen.host, listen.port)
        var configuration = ServerConfiguration(host: host, port: port, maxUploadBytes: limits.maxUploadBytes,
                                                requestTimeout: limits.requestTimeout,
                                                embeddingConcurrency: embeddingConcurrency, embeddingQueueLimit: embeddingQueue,
                                                // A shard replica takes writes only from its shard's operation log (through the
                                                // router): a write straight to one replica would make it differ from its peers.
                                                apiToken: etcd == nil ? token : nil, nprobe: probing.nprobe)
        configuration.precision = imageEncoder.precision
        let service = SearchService(index: location.directory, imageEncoder: imageEncoder, textEncoder: textEncoder,
                                    configuration: configuration, logger: logger)
        service.openIndex()
        if let reason = service.notReadyReason { logger.warning("serving without an index for now: \(reason)") }
        if token == nil { logger.notice("no API token (\(APIToken.environmentVariable) or --token-file): writes are refused") }
        if let etcd, let cluster, let shard {
            try await TextCommandSupport.attempt("serve") {
                try await ShardServer.run(service: service, etcd: EtcdClient(endpoint: etcd), keys: try ClusterKeys(cluster: cluster),
                                          shard: shard, advertise: advertise, leaseSeconds: leaseSeconds, logger: logger) { address in
                    TextCommandSupport.announceListening("serve", "shard \(shard) of cluster \(cluster)", on: address)
                }
            }
            return
        }
        let app = SearchApplication.make(service: service, logger: logger) { [host, port] bound in
            TextCommandSupport.announceListening("serve", on: "http://\(host):\(bound ?? port)")
        }
        try await TextCommandSupport.attempt("serve") { try await app.runService() }
    }
}
