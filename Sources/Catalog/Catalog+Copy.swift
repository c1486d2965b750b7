/// A consistent copy of a catalog for another machine, and the one fix-up such a copy needs there.
extension Catalog {
    /// Writes a consistent, compacted copy of this catalog to `path` (SQLite `VACUUM INTO`: one read
    /// transaction, so concurrent readers and the WAL are fine; `path` must not exist). Needs a read-write
    /// catalog: SQLite writes the copy through the same connection.
    public func copy(to path: String) throws {
        try withConnection { db in try db.run("VACUUM INTO ?", [.text(path)]) }
    }

    /// Points every item whose source lies under `oldPrefix` at the same file under `newPrefix` (a copied
    /// index whose uploaded media moved to this machine's media folder). Returns how many items changed.
    @discardableResult
    public func rebaseSources(from oldPrefix: String, to newPrefix: String) throws -> Int {
        guard oldPrefix != newPrefix, !oldPrefix.isEmpty else { return 0 }
        return try withConnection { db in
            // substr counts characters (code points), as unicodeScalars does.
            try db.run("UPDATE items SET source = ? || substr(source, ?) WHERE substr(source, 1, ?) = ?",
                       [.text(newPrefix), .int(oldPrefix.unicodeScalars.count + 1), .int(oldPrefix.unicodeScalars.count), .text(oldPrefix)])
            return Int(try db.scalarInt("SELECT changes()") ?? 0)
        }
    }
}
