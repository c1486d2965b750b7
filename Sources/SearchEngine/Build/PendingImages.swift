import Dispatch
import Embedding
import Synchronization

/// Embedded images waiting to be written, with their MiniLM text vectors being computed on a helper
/// thread (see `IndexBuilder`: the text encoder of chunk N runs beside the image encoder of chunk N+1).
struct PendingImages {
    let items: [EmbeddedItem]
    /// Item id by content hash, for the duplicate and id checks of the next chunk (these items are not
    /// in the catalog yet).
    let idsByHash: [String: String]
    let textVectors: BackgroundResult<[[Float]?]>

    init(items: [EmbeddedItem], textEncoder: TextEncoder) {
        self.items = items
        var ids: [String: String] = [:]
        for embedded in items { if let hash = embedded.item.contentHash { ids[hash] = embedded.item.id } }
        idsByHash = ids
        let catalogItems = items.map(\.item)
        textVectors = BackgroundResult { TextSearchIndex.textVectors(of: catalogItems, encoder: textEncoder) }
    }
}

/// A value computed on a global dispatch queue; `wait()` blocks until it is ready.
final class BackgroundResult<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async { [self] in
            let result = work()
            value.withLock { $0 = result }
            done.signal()
        }
    }

    /// The value, waiting for it on the first call.
    func wait() -> Value {
        if let ready = value.withLock({ $0 }) { return ready }
        done.wait()
        done.signal()  // later calls return at once
        return value.withLock { $0! }
    }
}
