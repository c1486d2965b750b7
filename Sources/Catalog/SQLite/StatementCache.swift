/// Prepared statements by SQL text, least recently used evicted beyond `capacity`.
///
/// Why bounded: callers build some SQL from input (which filter conditions are present), and a cache
/// that kept every text it ever saw would grow for the life of the connection. An evicted statement is
/// finalized when its last user lets go (``SQLiteStatement`` finalizes in `deinit`), so evicting one that
/// a caller still holds is safe.
struct StatementCache {
    let capacity: Int
    private var entries: [String: (statement: SQLiteStatement, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "statement cache capacity \(capacity)")
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The cached statement for `sql`, marked as just used.
    mutating func statement(for sql: String) -> SQLiteStatement? {
        guard let entry = entries[sql] else { return nil }
        clock += 1
        entries[sql] = (entry.statement, clock)
        return entry.statement
    }

    /// Caches `statement`, evicting the least recently used entry when full.
    mutating func insert(_ statement: SQLiteStatement, for sql: String) {
        if entries[sql] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        clock += 1
        entries[sql] = (statement, clock)
    }

    mutating func removeAll() { entries.removeAll() }
}
