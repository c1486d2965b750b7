import CSQLite

/// A failed SQLite call: the database file, SQLite's result code and message, and the statement.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        var text = "\(path): SQLite error \(code): \(message)"
        if let sql { text += " (in: \(sql.prefix(120)))" }
        return text
    }
}
