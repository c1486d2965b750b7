import Foundation
import Hummingbird
import Logging
import SearchHTTP
import Synchronization

/// `vsearch serve … --etcd URL --cluster NAME --shard K`: one replica of shard K. It serves every
/// single-machine route over its index plus ``ShardRoutes``, registers in etcd under a lease
/// (``MemberRegistration``) once it listens, is routed to only once its index is open (ready), and applies
/// its shard's operation log (``LogApplier``).
public enum ShardServer {
    /// Checks the cluster exists and has shard `shard`, then serves until SIGTERM/SIGINT, and withdraws
    /// from the cluster (revokes its lease) on the way out.
    /// - Parameter advertise: the base URL the router should call; nil: `http://HOST:PORT` as bound.
    public static func run(service: SearchService, etcd: EtcdClient, keys: ClusterKeys, shard: Int, advertise: String?,
                           leaseSeconds: Int = 3, logger: Logger,
                           onListening: @escaping @Sendable (_ address: String) -> Void) async throws {
        let state = try await ClusterState.read(etcd, keys)
        guard (0..<state.config.shards).contains(shard) else {
            throw ClusterError.invalidArgument("--shard", "cluster '\(keys.cluster)' has shards 0…\(state.config.shards - 1), not \(shard)")
        }
        let metrics = HTTPMetrics()
        let router = SearchApplication.router(service: service, metrics: metrics, logger: logger)
        ShardRoutes(service: service).register(on: router)
        let applier = LogApplier(log: OperationLog(etcd: etcd, keys: keys), shard: shard, service: service, logger: logger)
        PeerCopy.register(on: router, service: service) { applier.applied }
        let applying = Task { await applier.run() }
        defer { applying.cancel() }
        let registration = MemberRegistration(etcd: etcd, keys: keys, shard: shard, ttlSeconds: leaseSeconds, logger: logger) {
            let statistics = await service.statistics()
            return MemberRegistration.Status(ready: service.notReadyReason == nil && statistics != nil && applier.hasCaughtUp && !applier.compactedPast,
                                             generation: statistics?.version,
                                             precision: service.precision.rawValue, items: statistics?.items,
                                             appliedPosition: applier.applied, generations: service.generations())
        }
        let task = RegistrationTask()
        let host = service.configuration.host
        let app = SearchApplication.make(router: router, configuration: service.configuration, logger: logger) { port in
            let address = advertise ?? "http://\(host):\(port ?? service.configuration.port)"
            onListening(address)
            task.start { await registration.run(address: address) }
        }
        defer { task.cancel() }
        try await app.runService()
        await task.stop()
    }
}

/// The registration's task, started once the server listens, cancelled (and awaited: the lease is
/// revoked) when the server stops.
final class RegistrationTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ work: @escaping @Sendable () async -> Void) {
        task.withLock { $0 = Task { await work() } }
    }

    func cancel() { task.withLock { $0?.cancel() } }

    func stop() async {
        guard let running = task.withLock({ $0 }) else { return }
        running.cancel()
        await running.value
    }
}
