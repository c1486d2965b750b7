import Dispatch
import Synchronization

/// Fork-join loops on the shared Dispatch worker pool: every call returns when all its iterations are
/// done. The thread count is always the caller's (from the command or the server configuration), never
/// a global setting.
///
/// The package's one parallel helper (a target of its own, so `Tensor`, `Embedding`, `VectorIndex` and
/// `SearchEngine` all use it).
public enum Parallel {
    /// Runs `body(i)` for `i` in `0..<iterations` concurrently (inline when `iterations <= 1`). The caller
    /// guarantees that the iterations touch disjoint memory.
    public static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        if iterations <= 1 {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: iterations) { shared.value($0) }
        }
    }

    /// Calls `body` on `parts` contiguous, nearly equal sub-ranges of `0..<count`, concurrently.
    public static func split(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(parts, count))
        forEach(parts) { part in body((count * part / parts)..<(count * (part + 1) / parts)) }
    }

    /// Runs `body(range, worker)` over `0..<total` in chunks of `chunk`, on `threads` workers that take
    /// chunks in order from a shared counter (so uneven chunks balance). Returns when all are done.
    public static func chunks(total: Int, chunk: Int, threads: Int, _ body: @Sendable (Range<Int>, Int) -> Void) {
        guard total > 0 else { return }
        let chunk = max(1, chunk)
        let workers = max(1, min(threads, (total + chunk - 1) / chunk))
        if workers == 1 {
            var start = 0
            while start < total { body(start..<min(total, start + chunk), 0); start += chunk }
            return
        }
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let start = next.withLock { value -> Int in let start = value; value += chunk; return start }
                if start >= total { break }
                body(start..<min(total, start + chunk), worker)
            }
        }
    }

    /// `transform(i)` for every `i` in `0..<count`, computed on up to `threads` workers (worker `w` takes
    /// `w, w + threads, …`), returned in order.
    public static func map<T: Sendable>(_ count: Int, threads: Int, _ transform: (Int) -> T) -> [T] {
        let workers = max(1, min(threads, count))
        let slots = Slots<T>(count: count)
        forEach(workers) { worker in
            for i in stride(from: worker, to: count, by: workers) { slots.set(i, transform(i)) }
        }
        return slots.values()
    }
}

/// Results of ``Parallel/map(_:threads:_:)``, each slot written by exactly one worker.
private final class Slots<T: Sendable>: Sendable {
    private let storage: Mutex<[T?]>
    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: T) { storage.withLock { $0[index] = value } }
    func values() -> [T] { storage.withLock { $0.map { $0! } } }
}

/// `@unchecked Sendable`: carries a non-escaping, non-Sendable closure into `concurrentPerform`, which
/// finishes before ``Parallel/forEach(_:_:)`` returns; disjointness of what the iterations touch is the
/// caller's contract.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
