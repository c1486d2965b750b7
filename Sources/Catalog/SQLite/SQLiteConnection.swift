import CSQLite

/// One SQLite connection with a bounded cache of prepared statements (``StatementCache``).
///
/// Not thread-safe by itself: ``Catalog`` keeps it inside a `Mutex` and every use happens under that lock.
final class SQLiteConnection {
    let path: String
    let handle: OpaquePointer
    private var statements: StatementCache

    /// How many prepared statements a connection keeps (least recently used ones are finalized).
    static let statementCacheCapacity = 64

    /// Opens (creating if needed) the database at `path`.
    init(path: String, readOnly: Bool = false, statementCacheCapacity: Int = SQLiteConnection.statementCacheCapacity) throws {
        statements = StatementCache(capacity: statementCacheCapacity)
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(path: path, code: code, message: message, sql: nil)
        }
        self.path = path
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        // Wait for another process's write lock instead of failing at once.
        sqlite3_busy_timeout(db, 5_000)
        // BM25 with statistics passed in (fts5_functions.h): the scoring of every lexical search.
        let registered = vsearch_register_fts5_functions(db)
        guard registered == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw SQLiteError(path: path, code: registered, message: "cannot register the FTS5 functions", sql: nil)
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(path: path, code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(path: path, code: code, message: text, sql: sql)
        }
    }

    /// Statements currently cached (at most ``statementCacheCapacity``).
    var cachedStatementCount: Int { statements.count }

    /// A prepared statement for `sql`, reused across calls.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements.statement(for: sql) { return cached }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql: sql) }
        let prepared = SQLiteStatement(handle: statement, sql: sql, connection: self)
        statements.insert(prepared, for: sql)
        return prepared
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        sqlite3_reset(statement.handle)
    }

    /// Runs a query, calling `row` for each result row.
    func query(_ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Void) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { sqlite3_reset(statement.handle) }
        while try statement.step() { try row(statement) }
    }

    /// The single integer a query returns (nil if no row).
    func scalarInt(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64? {
        var result: Int64?
        try query(sql, values) { result = $0.isNull(0) ? nil : $0.int64(0) }
        return result
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
