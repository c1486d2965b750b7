import SearchEngine

/// The search parameters of issue #19 (paging, cutoff, collapse), read from the URL or the form.
enum SearchParameters {
    /// The values `collapse` takes.
    static let collapseValues = ["near_duplicates", "none"]

    /// Reads `cursor` (a `next_cursor` passed back), `min_similarity` (a cosine −1…1) and `collapse`
    /// (`near_duplicates` or `none`) into `options`.
    static func applyPagingAndCutoffs(_ value: (String) throws -> String?, to options: inout QueryOptions) throws {
        if let cursor = try value("cursor"), !cursor.isEmpty {
            guard cursor.utf8.count <= 256 else { throw APIError(.badRequest, "invalid_cursor", "cursor: longer than 256 bytes") }
            options.cursor = cursor
        }
        if let text = try value("min_similarity") {
            guard let minimum = Double(text.trimmingCharacters(in: .whitespaces)), minimum.isFinite, (-1...1).contains(minimum) else {
                throw APIError.invalidParameter("min_similarity", "must be a number from -1 to 1 (a cosine similarity), got '\(text.prefix(40))'")
            }
            options.minSimilarity = minimum
        }
        if let text = try value("collapse") {
            let mode = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard collapseValues.contains(mode) || mode.isEmpty else {
                throw APIError.invalidParameter("collapse", "must be near_duplicates or none, got '\(text.prefix(40))'")
            }
            options.collapseNearDuplicates = mode == "near_duplicates"
        }
    }
}
