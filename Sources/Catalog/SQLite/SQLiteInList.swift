/// `IN (?, ?, …)` over many integer values, in chunks that stay far below SQLite's bound-parameter
/// limit (999 in older builds): `body` gets each chunk's `?` list and its values.
func forEachInListChunk(_ values: [Int64], chunkSize: Int = 500, _ body: (_ marks: String, _ values: [SQLiteValue]) throws -> Void) rethrows {
    for start in stride(from: 0, to: values.count, by: chunkSize) {
        let chunk = values[start..<min(values.count, start + chunkSize)]
        try body(Array(repeating: "?", count: chunk.count).joined(separator: ","), chunk.map { .integer($0) })
    }
}
