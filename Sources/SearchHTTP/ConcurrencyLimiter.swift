import Dispatch
import Synchronization

/// Bounded concurrency for blocking CPU work (CNN and MiniLM forward passes, SQLite, index scans): at
/// most `limit` jobs run at once on threads of their own (never on Swift's cooperative pool, which
/// the server's async code needs), at most `queueLimit` callers wait, and a caller beyond that is
/// refused at once — memory stays bounded under any load.
///
/// A job's slot is released when the job itself finishes, not when its caller stops waiting: a caller
/// cancelled by a request timeout returns at once, but the slot stays taken until the CPU work ends,
/// so cancelled requests cannot make more work run than `limit`.
public final class ConcurrencyLimiter: Sendable {
    public let name: String
    public let limit: Int
    public let queueLimit: Int
    private let state = Mutex(State())
    private let queue: DispatchQueue

    private struct State {
        var running = 0
        var nextTicket: UInt64 = 0
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    /// The caller was refused: `queueLimit` callers were already waiting.
    public struct Overloaded: Error, Sendable {}

    public init(name: String, limit: Int, queueLimit: Int) {
        precondition(limit >= 1 && queueLimit >= 0)
        self.name = name
        self.limit = limit
        self.queueLimit = queueLimit
        queue = DispatchQueue(label: "vsearch.\(name)", attributes: .concurrent)
    }

    /// Jobs running now, and callers waiting for a slot.
    public var inFlight: Int { state.withLock { $0.running } }
    public var queued: Int { state.withLock { $0.waiters.count } }

    /// Runs `work` on a thread of its own once a slot is free. Throws ``Overloaded`` when the queue is
    /// full, `CancellationError` when the calling task is cancelled while it waits.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        let box = ResultBox<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                box.install(continuation)
                queue.async {
                    let result = Result { try work() }
                    self.release()
                    box.complete(result)
                }
            }
        } onCancel: {
            box.complete(.failure(CancellationError()))
        }
    }

    private func acquire() async throws {
        let ticket: UInt64? = try state.withLock { s -> UInt64? in
            if s.running < limit && s.waiters.isEmpty { s.running += 1; return nil }
            guard s.waiters.count < queueLimit else { throw Overloaded() }
            s.nextTicket += 1
            return s.nextTicket
        }
        guard let ticket else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    s.waiters.append((ticket, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let i = s.waiters.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return s.waiters.remove(at: i).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            if s.waiters.isEmpty { s.running -= 1; return nil }
            return s.waiters.removeFirst().continuation  // the slot passes on: `running` is unchanged
        }
        next?.resume()
    }
}

/// Delivers a job's result to its caller exactly once: either the job's outcome or, if the caller was
/// cancelled first, a `CancellationError` (the late outcome is then dropped).
private final class ResultBox<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, early: Result<T, any Error>?, done: Bool)>((nil, nil, false))

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { s -> Result<T, any Error>? in
            if let early = s.early { s.done = true; return early }
            s.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func complete(_ result: Result<T, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<T, any Error>? in
            guard !s.done else { return nil }
            guard let c = s.continuation else {
                if s.early == nil { s.early = result }
                return nil
            }
            s.done = true
            s.continuation = nil
            return c
        }
        continuation?.resume(with: result)
    }
}
