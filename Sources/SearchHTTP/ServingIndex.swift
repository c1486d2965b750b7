import Catalog
import Dispatch
import Embedding
import Foundation
import Logging
import SearchEngine
import Synchronization

/// The index snapshot that queries use, and its refresh.
///
/// A ``QueryEngine`` over an immutable ``IndexSnapshot`` (the IVF base file mapped plus its log replayed,
/// the catalog open read-only with a pool of readers, the text vectors loaded). Queries take the current
/// engine under a short lock and run on it without holding anything, so a refresh never blocks them: the
/// new snapshot is opened beside the old one and swapped in; the old one is freed when its last query ends.
///
/// Refresh triggers: after every write through this server (before the write's response, so a client
/// sees its own write), and when ``IndexFingerprint`` shows a change by another process — checked at most
/// every `refreshInterval` on the query path, and then reopened on a background thread (the query that
/// noticed goes on with the current snapshot). A reopen that fails keeps the old snapshot serving, is
/// reported by `/readyz` as stale, and is retried at the next check (the fingerprint it failed on is not
/// recorded). Every swap runs `onSwap` (the thumbnail cache is cleared: an item may be gone or replaced).
final class ServingIndex: Sendable {
    let index: IndexDirectory
    let models: QueryModels
    let refreshInterval: Duration
    let logger: Logger
    let onSwap: @Sendable () -> Void

    private struct State {
        var engine: QueryEngine?
        /// Why the last open failed (nil after a success); kept for the log, never sent to clients.
        var openError: String?
        /// The files' state the current engine was opened from.
        var fingerprint: IndexFingerprint?
        var lastCheck: ContinuousClock.Instant?
        var refreshing = false
    }
    private let state = Mutex(State())
    /// Engines over published versions other than the serving one, opened on demand (a cluster replica
    /// answering its cluster's serving generation while a newer one is loaded); the two last used are kept.
    private let pinned = Mutex<[(version: UInt64, engine: QueryEngine)]>([])
    /// Serialises reopens (the state lock is never held while opening).
    private let reopenLock = Mutex(())

    init(index: IndexDirectory, models: QueryModels, refreshInterval: Duration, logger: Logger,
         onSwap: @escaping @Sendable () -> Void = {}) {
        self.index = index
        self.models = models
        self.refreshInterval = refreshInterval
        self.logger = logger
        self.onSwap = onSwap
    }

    /// Opens the index now (at start-up). A failure is kept for `/readyz` and retried by later queries.
    func open() {
        reopen(reason: "start")
    }

    /// Why the service is not ready, for `/readyz` (no paths: the detail is in the log), or nil when it is:
    /// no index open yet, or the index changed and its new state cannot be opened (the old snapshot still
    /// answers queries meanwhile).
    var unavailableReason: String? {
        state.withLock { s in
            if s.engine == nil { return s.openError == nil ? "the index is not opened yet" : "the index cannot be opened (see the server log)" }
            if s.openError != nil { return "the index changed and its new state cannot be opened (see the server log); serving the previous snapshot" }
            return nil
        }
    }

    /// The engine over published version `version` (nil: the serving snapshot, ``engine()``). Blocking.
    func engine(version: UInt64?) throws -> QueryEngine {
        let current = try engine()
        guard let version, version != current.snapshot.version else { return current }
        if let hit = pinned.withLock({ list in list.first { $0.version == version }?.engine }) { return hit }
        let opened = QueryEngine(snapshot: try IndexSnapshot(index: index, version: version), models: models)
        pinned.withLock { list in
            list.removeAll { $0.version == version }
            list.insert((version, opened), at: 0)
            if list.count > 2 { list.removeLast(list.count - 2) }
        }
        return opened
    }

    /// The catalog of the current snapshot (read-only).
    func catalog() throws -> Catalog { try engine().snapshot.catalog }

    /// The engine over the current snapshot, after a cheap check for changes by other processes (blocking:
    /// call from a worker thread). Throws `APIError.notReady` when no index can be opened.
    func engine() throws -> QueryEngine {
        let now = ContinuousClock.now
        let (current, due) = state.withLock { s -> (QueryEngine?, Bool) in
            let due = !s.refreshing && (s.lastCheck.map { now - $0 >= refreshInterval } ?? true)
            if due { s.lastCheck = now }
            return (s.engine, due)
        }
        if due, state.withLock({ $0.fingerprint }) != IndexFingerprint.read(index) || current == nil {
            // The first caller to notice claims the refresh; the others keep using `current`.
            let claimed = state.withLock { s -> Bool in
                if s.refreshing { return false }
                s.refreshing = true
                return true
            }
            if current == nil {
                reopen(reason: "no snapshot", claimed: claimed)  // nothing to serve meanwhile: open inline
            } else if claimed {
                DispatchQueue.global().async { self.reopen(reason: "files changed", claimed: true) }
            }
        }
        if let engine = state.withLock({ $0.engine }) { return engine }
        throw APIError.notReady(unavailableReason ?? "the index is not opened yet")
    }

    /// Opens a fresh snapshot and swaps it in (after this server's own writes, and on changes).
    func reopen(reason: String, claimed: Bool = false) {
        reopenLock.withLock { _ in
            defer { if claimed { state.withLock { $0.refreshing = false } } }
            let fingerprint = IndexFingerprint.read(index)
            do {
                let engine = QueryEngine(snapshot: try IndexSnapshot(index: index), models: models)
                state.withLock {
                    $0.engine = engine
                    $0.fingerprint = fingerprint
                    $0.openError = nil
                }
                onSwap()
                logger.debug("index snapshot opened", metadata: ["reason": "\(reason)", "version": "\(engine.snapshot.version.map(String.init) ?? "flat")"])
            } catch {
                // The fingerprint is not recorded: the next check sees the change again and retries.
                state.withLock { $0.openError = "\(error)" }
                logger.error("cannot open the index", metadata: ["reason": "\(reason)", "error": "\(error)"])
            }
        }
    }
}
