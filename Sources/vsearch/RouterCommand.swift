import ArgumentParser
import Cluster
import Foundation
import Logging
import SearchHTTP

/// `vsearch router --etcd URL --cluster NAME`: the cluster's public HTTP API (the single-machine routes
/// and JSON), fanning each query out to one ready replica of every shard (Cluster's `RouterApplication`).
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Serve a sharded cluster's public HTTP API: fan queries out to the shards' replicas and merge.",
        discussion: """
            Same routes and JSON as vsearch serve; search answers carry "coverage" (shards answered of total, which
            were missing). Replicas are found in etcd; a replica that stops renewing its lease leaves routing by itself.
            """)

    @OptionGroup var target: ClusterTarget
    @OptionGroup var listen: ListenOptions
    @Option(help: "Shared media store for live writes (stands in for object storage; every replica reads uploads from it). Without it, writes answer 501.") var media: String?
    @Option(help: "Deadline in milliseconds for the shards' answers to one query; a shard without an answer by then is reported missing in coverage.")
    var shardTimeoutMs: Int = 2000
    @Option(help: "Milliseconds before a second replica of a slow shard is asked too (hedged request).") var hedgeAfterMs: Int = 150
    @Option(help: "Longest wait in milliseconds of a search with after=TOKEN for replicas that applied that write (then 503).") var readAfterWaitMs: Int = 10_000
    @Option(help: "IVF lists probed per visual query on every shard (default: each shard's own).") var nprobe: Int?
    @OptionGroup var limits: ServerLimitsOptions

    func validate() throws {
        guard (1...600_000).contains(shardTimeoutMs) else { throw TextCommandSupport.usage("router", "--shard-timeout-ms must be 1…600000") }
        guard (1...600_000).contains(hedgeAfterMs) else { throw TextCommandSupport.usage("router", "--hedge-after-ms must be 1…600000") }
        guard (nprobe ?? 1) >= 1 else { throw TextCommandSupport.usage("router", "--nprobe must be at least 1") }
        guard (0...600_000).contains(readAfterWaitMs) else { throw TextCommandSupport.usage("router", "--read-after-wait-ms must be 0…600000") }
    }

    func run() async throws {
        let logger = limits.logger(label: "vsearch.router")
        let token = try TextCommandSupport.attempt("router") { try listen.apiToken() }
        let (host, port) = (listen.host, listen.port)
        let textEncoder = try TextCommandSupport.loadTextEncoder("router", model: nil, threads: 1)
        let keys = try ClusterKeys(cluster: target.cluster)
        let client = EtcdClient(endpoint: target.etcd)
        let view = ClusterView(etcd: client, keys: keys, logger: logger)
        await view.refresh()
        if let reason = view.unavailableReason { logger.warning("starting without the cluster's state: \(reason)") }
        let searcher = ClusterSearcher(view: view, caller: ShardCaller(hedgeDelay: .milliseconds(hedgeAfterMs)), textEncoder: textEncoder,
                                       shardTimeout: .milliseconds(shardTimeoutMs), nprobe: nprobe,
                                       readAfterWait: .milliseconds(readAfterWaitMs), logger: logger)
        let configuration = ServerConfiguration(host: host, port: port, maxUploadBytes: limits.maxUploadBytes,
                                                requestTimeout: limits.requestTimeout, apiToken: token, nprobe: nprobe)
        let refresher = Task { await view.run() }
        defer { refresher.cancel() }
        let compactor = Task { await LogCompactor(log: OperationLog(etcd: client, keys: keys), view: view, logger: logger).run() }
        defer { compactor.cancel() }
        let writer = media.map { ClusterWriter(log: OperationLog(etcd: client, keys: keys), media: MediaStore(directory: $0)) }
        let app = RouterApplication.make(searcher: searcher, writer: writer, configuration: configuration, logger: logger) { [host, port] bound in
            TextCommandSupport.announceListening("router", on: "http://\(host):\(bound ?? port)")
        }
        try await TextCommandSupport.attempt("router") { try await app.runService() }
    }
}
