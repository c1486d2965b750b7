import Dispatch
import Synchronization

/// A bounded queue of one prepared chunk between the producer and the consumer (back-pressure: the
/// producer waits while a chunk is pending).
final class ChunkQueue: Sendable {
    private struct State {
        var pending: [PreparedMedia]?
        var finished = false
        var cancelled = false
        var failure: String?
    }
    private let state = Mutex(State())
    private let changed = DispatchSemaphore(value: 0)
    private let space = DispatchSemaphore(value: 0)

    /// Hands over a chunk, waiting while the previous one has not been taken. False if cancelled.
    func put(_ chunk: [PreparedMedia]) -> Bool {
        while true {
            let placed: Bool? = state.withLock { s in
                if s.cancelled { return false }
                if s.pending == nil { s.pending = chunk; return true }
                return nil
            }
            if let placed {
                if placed { changed.signal() }
                return placed
            }
            space.wait()
        }
    }

    /// No more chunks; `failure` says why the producer stopped early (reading the input failed).
    func finish(failure: String? = nil) {
        state.withLock { $0.finished = true; $0.failure = failure }
        changed.signal()
    }

    /// Why the producer stopped early, if it did.
    var failure: String? { state.withLock { $0.failure } }

    func cancel() {
        state.withLock { $0.cancelled = true; $0.pending = nil }
        space.signal()
    }

    /// The next chunk, or nil when the producer has finished.
    func take() -> [PreparedMedia]? {
        while true {
            let result: [PreparedMedia]?? = state.withLock { s in
                if let chunk = s.pending { s.pending = nil; return .some(chunk) }
                if s.finished { return .some(nil) }
                return nil
            }
            if let result {
                if result != nil { space.signal() }
                return result
            }
            changed.wait()
        }
    }
}
