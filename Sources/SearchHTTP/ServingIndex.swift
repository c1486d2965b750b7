import Embedding
import Foundation
import Logging
import SearchEngine
import Synchronization

/// The index snapshot that queries use, and its refresh.
///
/// An ``IndexSearcher`` is an immutable snapshot (the IVF base file mapped plus its log replayed, the
/// catalog's text vectors loaded). Queries take the current snapshot under a short lock and run on it
/// without holding anything, so a refresh never blocks them: the new snapshot is opened beside the old
/// one and swapped in; the old one is freed when its last query ends.
///
/// Refresh triggers: after every write through this server (before the write's response, so a client
/// sees its own write), and when ``IndexFingerprint`` shows a change by another process — checked at most
/// every `refreshInterval`, on the query path. One refresh runs at a time; queries meanwhile keep the
/// old snapshot. The cost of a reopen is dominated by loading the text vectors (384 floats an item).
final class ServingIndex: Sendable {
    let index: IndexDirectory
    let textEncoder: TextEncoder
    let refreshInterval: Duration
    let logger: Logger

    private struct State {
        var searcher: IndexSearcher?
        var openError: String?
        var fingerprint: IndexFingerprint?
        var lastCheck: ContinuousClock.Instant?
        var refreshing = false
    }
    private let state = Mutex(State())
    /// Serialises reopens (the state lock is never held while opening).
    private let reopenLock = Mutex(())

    init(index: IndexDirectory, textEncoder: TextEncoder, refreshInterval: Duration, logger: Logger) {
        self.index = index
        self.textEncoder = textEncoder
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Opens the index now (at start-up). A failure is kept for `/readyz` and retried by later queries.
    func open() {
        reopen(reason: "start")
    }

    /// Why the index is not available, or nil when it is.
    var unavailableReason: String? {
        state.withLock { $0.searcher == nil ? ($0.openError ?? "not opened yet") : nil }
    }

    /// The snapshot to query, after a cheap check for changes by other processes (blocking: call from a
    /// worker thread). Throws `APIError.notReady` when no index can be opened.
    func searcher() throws -> IndexSearcher {
        let now = ContinuousClock.now
        let (current, due) = state.withLock { s -> (IndexSearcher?, Bool) in
            let due = !s.refreshing && (s.lastCheck.map { now - $0 >= refreshInterval } ?? true)
            if due { s.lastCheck = now }
            return (s.searcher, due)
        }
        if due {
            let fingerprint = IndexFingerprint.read(index)
            let changed = state.withLock { $0.fingerprint != fingerprint }
            if changed || current == nil {
                // The first caller to notice reopens; the others keep using `current`.
                let mine = state.withLock { s -> Bool in
                    if s.refreshing { return false }
                    s.refreshing = true
                    return true
                }
                if mine || current == nil { reopen(reason: "files changed", claimed: mine) }
            }
        }
        if let searcher = state.withLock({ $0.searcher }) { return searcher }
        throw APIError.notReady(unavailableReason ?? "not opened")
    }

    /// Opens a fresh snapshot and swaps it in (after this server's own writes, and on changes).
    func reopen(reason: String, claimed: Bool = false) {
        reopenLock.withLock { _ in
            defer { if claimed { state.withLock { $0.refreshing = false } } }
            let fingerprint = IndexFingerprint.read(index)
            do {
                let searcher = try IndexSearcher(index: index, textEncoder: textEncoder)
                state.withLock {
                    $0.searcher = searcher
                    $0.fingerprint = fingerprint
                    $0.openError = nil
                }
                logger.debug("index snapshot opened", metadata: ["reason": "\(reason)", "version": "\(searcher.version.map(String.init) ?? "flat")"])
            } catch {
                state.withLock {
                    $0.openError = "\(error)"
                    $0.fingerprint = fingerprint
                }
                logger.error("cannot open the index", metadata: ["reason": "\(reason)", "error": "\(error)"])
            }
        }
    }
}
