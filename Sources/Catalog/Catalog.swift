import Foundation
import Synchronization

/// The metadata store: items (images and videos), their tags, auto-tags, video frames, text vectors
/// and a full-text index, in one SQLite file.
///
/// Durability: the database runs in WAL mode with `synchronous=FULL`, so every committed transaction is
/// fsynced to the write-ahead log before the call returns — a crash or power loss after a write method
/// returns loses nothing (with `NORMAL`, WAL mode would only guarantee consistency, not the last
/// commits). Each write method is one transaction: all of it lands or none of it does.
///
/// Thread safety: the connection lives in a `Mutex`; calls from several threads are serialised.
public final class Catalog: Sendable {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { CatalogSchema.migrations.count }

    public let path: String
    let connection: Mutex<SQLiteConnection>
    /// Per-term document counts for query planning (see `Catalog+Search.swift`).
    let documentFrequencies = Mutex(DocumentFrequencyCache(version: (0, 0)))

    /// Opens the catalog at `path`, creating it if missing and upgrading an older schema.
    /// Throws ``CatalogError`` for a file from a newer build, `SQLiteError` for anything SQLite rejects
    /// (for example a file that is not a database).
    public init(path: String) throws {
        let db = try SQLiteConnection(path: path)
        let mode = try Self.pragmaText(db, "PRAGMA journal_mode=WAL")
        guard mode.lowercased() == "wal" || path == ":memory:" else {
            throw CatalogError(subject: path, reason: "cannot switch the journal to WAL mode (got \(mode))")
        }
        try db.execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        try Self.migrate(db)
        self.path = path
        self.connection = Mutex(db)
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

    /// Runs `body` with the connection, under the lock.
    func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { db in try body(db) }
    }

    /// The schema version of the open file.
    public func storedSchemaVersion() throws -> Int {
        try withConnection { Int(try $0.scalarInt("PRAGMA user_version") ?? 0) }
    }
}
