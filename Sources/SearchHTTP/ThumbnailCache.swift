import Synchronization

/// Recently made thumbnails (JPEG bytes), least recently used dropped first. A results page asks for a
/// dozen thumbnails at once and the same ones again on the next query; decoding a 12-megapixel
/// original every time would cost ~10 ms each.
final class ThumbnailCache: Sendable {
    struct Key: Hashable, Sendable {
        var id: String
        var size: Int
        /// Milliseconds of the video moment (0 for images).
        var moment: Int
    }

    private struct State {
        var entries: [Key: (bytes: [UInt8], tick: UInt64)] = [:]
        var tick: UInt64 = 0
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func get(_ key: Key) -> [UInt8]? {
        state.withLock { s in
            guard let entry = s.entries[key] else { return nil }
            s.tick += 1
            s.entries[key] = (entry.bytes, s.tick)
            return entry.bytes
        }
    }

    func put(_ key: Key, _ bytes: [UInt8]) {
        state.withLock { s in
            s.tick += 1
            s.entries[key] = (bytes, s.tick)
            if s.entries.count > capacity, let oldest = s.entries.min(by: { $0.value.tick < $1.value.tick })?.key {
                s.entries[oldest] = nil
            }
        }
    }

    func removeAll(id: String) {
        state.withLock { s in s.entries = s.entries.filter { $0.key.id != id } }
    }

    /// Forgets every thumbnail (the index changed: items may be gone or replaced).
    func removeAll() {
        state.withLock { $0.entries.removeAll() }
    }
}
