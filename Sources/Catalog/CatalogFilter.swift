import Foundation

/// Conditions a search result must meet, all of which must hold (AND). Applied inside retrieval (in the
/// SQL of the lexical search and as an allowed-key set for vector search), never by dropping results
/// after truncation. The text form and its grammar: ``init(parsing:)`` (`CatalogFilter+Parsing.swift`).
public struct CatalogFilter: Sendable, Equatable {
    /// Allowed kinds (nil: any).
    public var kinds: Set<ItemKind>?
    /// Tags the item must all carry (case-insensitive).
    public var tags: [String]
    /// Groups of tags: the item carries at least one tag of every group (`tag=cat|dog`).
    public var anyTags: [[String]]
    /// Tags the item must not carry (`-tag=draft`).
    public var excludedTags: [String]
    /// Groups of auto-tag names (the image model's labels): the item has, for every group, an auto-tag
    /// one of whose comma-separated ImageNet names equals one of the group's (case-insensitive;
    /// `auto_tag=tabby|tiger cat`).
    public var autoTags: [[String]]
    /// Auto-tag names the item must not have (`-auto_tag=…`).
    public var excludedAutoTags: [String]
    /// Groups of title words or phrases (`title~sunset|beach`): the title contains, as whole words, at
    /// least one of every group (matched like full-text search: case and diacritics folded).
    public var titleWords: [[String]]
    /// Title words or phrases the title must not contain (`-title~draft`).
    public var excludedTitleWords: [String]
    /// Duration in seconds, inclusive bounds (items without a duration — images — are excluded when set).
    public var minimumDuration: Double?
    public var maximumDuration: Double?
    /// Added-at bounds, inclusive.
    public var addedAfter: Date?
    public var addedBefore: Date?

    public init(kinds: Set<ItemKind>? = nil, tags: [String] = [], anyTags: [[String]] = [], excludedTags: [String] = [],
                autoTags: [[String]] = [], excludedAutoTags: [String] = [], titleWords: [[String]] = [],
                excludedTitleWords: [String] = [], minimumDuration: Double? = nil, maximumDuration: Double? = nil,
                addedAfter: Date? = nil, addedBefore: Date? = nil) {
        self.kinds = kinds
        self.tags = tags
        self.anyTags = anyTags
        self.excludedTags = excludedTags
        self.autoTags = autoTags
        self.excludedAutoTags = excludedAutoTags
        self.titleWords = titleWords
        self.excludedTitleWords = excludedTitleWords
        self.minimumDuration = minimumDuration
        self.maximumDuration = maximumDuration
        self.addedAfter = addedAfter
        self.addedBefore = addedBefore
    }

    /// True when the filter lets everything through.
    public var isEmpty: Bool {
        kinds == nil && tags.isEmpty && anyTags.isEmpty && excludedTags.isEmpty && autoTags.isEmpty
            && excludedAutoTags.isEmpty && titleWords.isEmpty && excludedTitleWords.isEmpty
            && minimumDuration == nil && maximumDuration == nil && addedAfter == nil && addedBefore == nil
    }

    /// The most conditions a filter may have: at most this many comma-separated conditions, and at most
    /// this many list values — each `tag=`, each alternative of `tag=a|b` (two), each negated value,
    /// each `auto_tag`/`title` value (`kind`, `duration` and `added` are one fixed-size condition each).
    /// Real filters have a handful; the bound keeps a request from building an unbounded query.
    public static let maximumConditions = 64

    /// The number of list values (see ``maximumConditions``).
    public var conditionCount: Int {
        Set(tags.map { $0.lowercased() }).count + anyTags.reduce(0) { $0 + $1.count } + excludedTags.count
            + autoTags.reduce(0) { $0 + $1.count } + excludedAutoTags.count + titleWords.reduce(0) { $0 + $1.count }
            + excludedTitleWords.count
    }

    /// Refuses a filter over ``maximumConditions`` (also checked when parsing).
    func validate() throws {
        let distinctTags = Set(tags.map { $0.lowercased() }).count
        guard distinctTags <= Self.maximumConditions else {
            throw CatalogError(subject: "filter",
                               reason: "has \(distinctTags) tags; at most \(Self.maximumConditions) conditions are allowed")
        }
        let count = conditionCount
        guard count <= Self.maximumConditions else {
            throw CatalogError(subject: "filter", reason: "has \(count) conditions; at most \(Self.maximumConditions) are allowed")
        }
        for word in titleWords.joined() + excludedTitleWords where Self.titlePhrase(word) == nil {
            throw CatalogError(subject: "filter 'title~\(word)'", reason: "has no word to match")
        }
    }

    /// The SQL condition on table `items` (always safe to `AND` in) and its parameters.
    ///
    /// The statement text depends only on *which* conditions are present (and on the number of OR
    /// groups), never on how many tags or kinds there are: lists are bound as one JSON array parameter
    /// (`json_each`), so a long tag list neither grows the expression tree nor adds a new statement to
    /// the connection's cache.
    func sql() throws -> (clause: String, values: [SQLiteValue]) {
        try validate()
        var parts: [String] = []
        var values: [SQLiteValue] = []
        if let kinds {
            parts.append("items.kind IN (SELECT value FROM json_each(?))")
            values.append(.text(Self.jsonArray(kinds.map(\.rawValue).sorted())))
        }
        let tags = Set(tags.map { $0.lowercased() }).sorted()
        if !tags.isEmpty {
            // (item, tag) is item_tags' primary key, so an item carrying every tag has `tags.count` rows.
            parts.append("""
                items.key IN (SELECT item FROM item_tags WHERE tag IN (SELECT value FROM json_each(?)) \
                GROUP BY item HAVING count(*) = ?)
                """)
            values.append(.text(Self.jsonArray(tags)))
            values.append(.int(tags.count))
        }
        // Each group is one condition (any of its values), the excluded values one negated condition.
        func requireEach(_ groups: [[String]], excluding excluded: [String], _ condition: String, bind: ([String]) -> String) {
            for group in groups {
                parts.append(condition)
                values.append(.text(bind(group)))
            }
            if !excluded.isEmpty {
                parts.append("NOT " + condition)
                values.append(.text(bind(excluded)))
            }
        }
        let lowercasedList = { (words: [String]) in Self.jsonArray(words.map { $0.lowercased() }) }
        requireEach(anyTags, excluding: excludedTags,
                    "items.key IN (SELECT item FROM item_tags WHERE tag IN (SELECT value FROM json_each(?)))", bind: lowercasedList)
        // An auto-tag label is an ImageNet class: comma-separated names ("tiger cat", "tabby, tabby cat").
        requireEach(autoTags, excluding: excludedAutoTags, """
            EXISTS (SELECT 1 FROM auto_tags a, json_each(?) v WHERE a.item = items.key \
            AND instr(', ' || lower(a.label) || ',', ', ' || v.value || ',') > 0)
            """, bind: lowercasedList)
        requireEach(titleWords, excluding: excludedTitleWords,
                    "items.key IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)", bind: Self.titleExpression)
        if let minimumDuration { parts.append("items.duration >= ?"); values.append(.real(minimumDuration)) }
        if let maximumDuration { parts.append("items.duration <= ?"); values.append(.real(maximumDuration)) }
        if let addedAfter { parts.append("items.added_at >= ?"); values.append(.real(addedAfter.timeIntervalSince1970)) }
        if let addedBefore { parts.append("items.added_at <= ?"); values.append(.real(addedBefore.timeIntervalSince1970)) }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
    }

    /// A title word or phrase as an FTS5 phrase string (its letter-and-digit runs, quoted), or nil when
    /// it has none.
    static func titlePhrase(_ text: String) -> String? {
        let words = text.unicodeScalars.split { !CharacterSet.alphanumerics.contains($0) }.map { String(String.UnicodeScalarView($0)) }
        guard !words.isEmpty else { return nil }
        return "\"" + words.prefix(FTSQuery.maximumPhraseWords).joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `title : ("a" OR "b c")`: any of the phrases in the title column (user text only inside quotes).
    static func titleExpression(_ phrases: [String]) -> String {
        "title : (" + phrases.compactMap(titlePhrase).joined(separator: " OR ") + ")"
    }

    /// `strings` as a JSON array text (the parameter of `json_each`).
    private static func jsonArray(_ strings: [String]) -> String {
        let data = (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Codable so a query's filter can travel to a shard replica (``CatalogFilter`` fields as they are).
extension CatalogFilter: Codable {}
