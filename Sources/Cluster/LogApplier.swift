import Foundation
import Logging
import SearchHTTP
import Synchronization

/// A replica's side of live writes: reads its shard's ``OperationLog`` after the position it has applied
/// and applies each operation in order through the one write path (``SearchService/add(_:startBy:)``,
/// ``SearchService/remove(id:startBy:)``), then records the position in the index directory
/// (`cluster-applied`). Applying is idempotent — an add of content or an id already there, or a remove
/// of an item already gone, counts as applied — so a crash between a write and the record of its
/// position is harmless: the next start applies it again. A replica that was down catches up the same way.
///
/// Once the whole log read is applied, the position moves to the store revision of the read, so a token
/// from another shard's write does not hold this replica back. The position is published in the member
/// record (``MemberRecord/appliedPosition``); the router answers `after=TOKEN` only from replicas at or
/// past the token.
public final class LogApplier: Sendable {
    public let log: OperationLog
    public let shard: Int
    let service: SearchService
    let stateFile: String
    let interval: Duration
    let logger: Logger
    private let position: Mutex<UInt64>
    private let behindFloor = Mutex(false)

    public init(log: OperationLog, shard: Int, service: SearchService, interval: Duration = .milliseconds(200), logger: Logger) {
        self.log = log
        self.shard = shard
        self.service = service
        self.interval = interval
        self.logger = logger
        stateFile = service.index.path + "/cluster-applied"
        let saved = (try? String(contentsOfFile: stateFile, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        position = Mutex(saved ?? 0)
    }

    /// The last position applied (and visible to searches).
    public var applied: UInt64 { position.withLock { $0 } }

    /// True when the log was compacted past ``applied``: this replica cannot catch up from the log and must
    /// not serve (it would miss writes) until it has installed a ready peer's copy (``PeerCopy``); it tries
    /// again at every pass while no peer can give one.
    public var compactedPast: Bool { behindFloor.withLock { $0 } }

    /// True once one pass over the log has completed: a replica is not routed to before, so a restarted
    /// replica never answers with the writes it missed while down (nor one the log was compacted past).
    public var hasCaughtUp: Bool { caughtUp.withLock { $0 } }
    private let caughtUp = Mutex(false)

    /// Applies the log until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await catchUp()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("applying the operation log failed; retrying", metadata: ["shard": "\(shard)", "error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Applies every operation logged after ``applied``.
    public func catchUp() async throws {
        guard service.notReadyReason == nil else { return }
        let start = applied
        let (operations, readUpTo) = try await log.entries(shard: shard, after: start)
        // The floor is read after the entries: a compaction that deleted some of them raised it before.
        let floor = try await log.floor(shard: shard)
        if floor > start {
            if !behindFloor.withLock({ $0 }) {
                behindFloor.withLock { $0 = true }
                logger.error("the operation log was compacted past this replica's position; it stays out of routing until it has a peer's copy",
                             metadata: ["shard": "\(shard)", "applied": "\(start)", "floor": "\(floor)"])
            }
            try await copyFromPeer(floor: floor)
            return
        }
        for (at, operation) in operations {
            try await apply(operation)
            try record(at)
        }
        if readUpTo > applied { try record(readUpTo) }
        caughtUp.withLock { $0 = true }
    }

    /// Installs the copy of a ready peer of this shard that has applied at least `floor` (``PeerCopy``), and
    /// moves ``applied`` to the position the copy reflects; without such a peer, nothing happens (yet).
    private func copyFromPeer(floor: UInt64) async throws {
        let members = try await log.etcd.list(prefix: log.keys.members(shard: shard)).compactMap { kv in
            try? ClusterJSON.decode(MemberRecord.self, kv.value, key: kv.key)
        }
        guard let peer = members.filter({ $0.ready && $0.appliedPosition >= floor }).max(by: { $0.appliedPosition < $1.appliedPosition })
        else { return }
        let position = try await PeerCopy.recover(service: service, from: peer.address, logger: logger)
        try record(position)
        behindFloor.withLock { $0 = false }
    }

    private func apply(_ operation: LogOperation) async throws {
        switch operation.op {
        case .add:
            guard let path = operation.media, let data = FileManager.default.contents(atPath: path) else {
                logger.error("a logged add names media that cannot be read; skipped", metadata: ["id": "\(operation.id)", "media": "\(operation.media ?? "-")"])
                return
            }
            let item = NewItem(media: [UInt8](data), fileName: operation.fileName, id: operation.id, title: operation.title,
                               description: operation.description, tags: operation.tags)
            do {
                _ = try await service.add(item)
            } catch let error as APIError where error.status == .conflict {
                // Already applied (the same content or id is indexed): idempotent. It may have been applied
                // by another process over the same directory: make it visible before reporting it applied.
                try await service.reopenIndex(reason: "log")
            } catch let error as APIError where (400..<500).contains(error.status.code) {
                logger.error("a logged add cannot be applied; skipped", metadata: ["id": "\(operation.id)", "error": "\(error)"])
            }
        case .remove:
            do {
                try await service.remove(id: operation.id)
            } catch let error as APIError where error.status == .notFound {
                // Already gone: idempotent (and made visible, as for an add).
                try await service.reopenIndex(reason: "log")
            }
        }
    }

    private func record(_ at: UInt64) throws {
        try Data(String(at).utf8).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
        position.withLock { $0 = max($0, at) }
    }
}
