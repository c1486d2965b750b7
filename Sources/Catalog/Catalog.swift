import Foundation
import Synchronization

/// How a ``Catalog`` is opened.
public enum CatalogAccess: Sendable, Equatable {
    /// The writer: creates the file if missing and migrates an older schema. One per process at a time
    /// (index writes also hold the index directory's lock).
    case readWrite
    /// A reader: the file opened read-only with `connections` connections; never creates or migrates.
    case readOnly(connections: Int)

    /// What searches use: four readers (two cores, and queries that wait on I/O).
    public static let reader = CatalogAccess.readOnly(connections: 4)
}

/// The metadata store: items (images and videos), their tags, auto-tags, video frames, text vectors
/// and a full-text index, in one SQLite file.
///
/// Durability: the database runs in WAL mode with `synchronous=FULL`, so every committed transaction is
/// fsynced to the write-ahead log before the call returns — a crash or power loss after a write method
/// returns loses nothing (with `NORMAL`, WAL mode would only guarantee consistency, not the last
/// commits). Each write method is one transaction: all of it lands or none of it does.
///
/// Access: a writer (``CatalogAccess/readWrite``) has one connection, in a `Mutex`, that creates the file
/// and runs migrations; its calls are serialised. A reader (``CatalogAccess/readOnly(connections:)``, what
/// searches use) opens the file read-only, never migrates, and keeps a small pool of connections so that
/// concurrent queries do not queue on one lock (WAL lets readers run beside each other and beside a
/// writer in another process).
public final class Catalog: Sendable {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { CatalogSchema.migrations.count }
    /// The oldest schema a reader understands (migration 2 added the term statistics lexical search plans with).
    static let oldestReadableSchema = 2

    public let path: String
    public let access: CatalogAccess
    /// One connection for a writer; a pool for a reader.
    let connections: [ConnectionSlot]
    private let nextConnection = Atomic<Int>(0)
    /// Per-term document counts for query planning (see `Catalog+Search.swift`).
    let documentFrequencies = Mutex(DocumentFrequencyCache(revision: 0))
    /// Item ids by key, for ``ids(keys:)``: a key names one item for good (keys are never reused and an
    /// item's id never changes), so entries never go stale; emptied when ``idCacheCapacity`` is reached.
    let idsByKey = Mutex<[ItemKey: String]>([:])
    static let idCacheCapacity = 500_000

    /// Opens the catalog at `path`. A writer creates a missing file and upgrades an older schema; a reader
    /// needs an existing file of a schema it understands and changes nothing.
    /// Throws ``CatalogError`` for a missing file (reader), a file from a newer build, or one too old to read
    /// without migrating; `SQLiteError` for anything SQLite rejects (for example a file that is not a database).
    public init(path: String, access: CatalogAccess = .readWrite) throws {
        self.path = path
        self.access = access
        switch access {
        case .readWrite:
            let db = try SQLiteConnection(path: path)
            let mode = try Self.pragmaText(db, "PRAGMA journal_mode=WAL")
            guard mode.lowercased() == "wal" || path == ":memory:" else {
                throw CatalogError(subject: path, reason: "cannot switch the journal to WAL mode (got \(mode))")
            }
            try db.execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            try Self.migrate(db)
            connections = [ConnectionSlot(db)]
        case .readOnly(let count):
            guard FileManager.default.fileExists(atPath: path) else {
                throw CatalogError(subject: path, reason: "no catalog here")
            }
            var pool: [ConnectionSlot] = []
            for _ in 0..<max(1, count) {
                let db = try SQLiteConnection(path: path, readOnly: true)
                try db.execute("PRAGMA query_only=ON;")
                if pool.isEmpty { try Self.checkReadable(db) }
                pool.append(ConnectionSlot(db))
            }
            connections = pool
        }
    }

    /// A reader's check of the file's schema: not newer than this build, not older than it can read.
    private static func checkReadable(_ db: SQLiteConnection) throws {
        let stored = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        guard stored <= schemaVersion else {
            throw CatalogError(subject: db.path, reason:
                "catalog schema version \(stored) is newer than this build understands (\(schemaVersion)); upgrade vsearch")
        }
        guard stored >= oldestReadableSchema else {
            throw CatalogError(subject: db.path, reason:
                "catalog schema version \(stored) is too old to search without upgrading; run any write (vsearch add, remove or build --refresh) once")
        }
    }

    /// Runs the migrations newer than the file's `user_version`.
    private static func migrate(_ db: SQLiteConnection) throws {
        let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        let known = CatalogSchema.migrations.count
        guard current <= known else {
            throw CatalogError(subject: db.path, reason:
                "catalog schema version \(current) is newer than this build understands (\(known)); upgrade vsearch")
        }
        for version in current..<known {
            try db.transaction {
                try db.execute(CatalogSchema.migrations[version])
                try db.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }

    private static func pragmaText(_ db: SQLiteConnection, _ sql: String) throws -> String {
        var value = ""
        try db.query(sql) { value = $0.text(0) }
        return value
    }

    /// Runs `body` with a connection, under its lock: the writer's one, or a free reader (round robin,
    /// waiting for the next in turn only when every reader is busy).
    func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        if connections.count == 1 { return try connections[0].lock.withLock { db in try body(db) } }
        let start = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<connections.count {
            let slot = (start &+ offset) % connections.count
            // Wrapped once more, so a `T` that is itself optional is not mistaken for "busy".
            let attempt: Acquired<T>? = try connections[slot].lock.withLockIfAvailable { db in Acquired(value: try body(db)) }
            if let attempt { return attempt.value }
        }
        return try connections[start % connections.count].lock.withLock { db in try body(db) }
    }

    /// The schema version of the open file.
    public func storedSchemaVersion() throws -> Int {
        try withConnection { Int(try $0.scalarInt("PRAGMA user_version") ?? 0) }
    }
}

/// A value computed under a reader's lock (see `Catalog.withConnection`).
private struct Acquired<T: Sendable>: Sendable {
    var value: T
}

/// One connection and the lock it is used under (a class: `Mutex` cannot be copied into an array).
final class ConnectionSlot: Sendable {
    let lock: Mutex<SQLiteConnection>
    init(_ connection: sending SQLiteConnection) { lock = Mutex(connection) }
}
