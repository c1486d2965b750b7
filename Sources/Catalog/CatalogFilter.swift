import Foundation

/// Conditions a search result must meet. Applied inside retrieval (in the SQL of the lexical search
/// and as an allowed-key set for vector search), never by dropping results after truncation.
public struct CatalogFilter: Sendable, Equatable {
    /// Allowed kinds (nil: any).
    public var kinds: Set<ItemKind>?
    /// Tags the item must all carry (case-insensitive).
    public var tags: [String]
    /// Duration in seconds, inclusive bounds (items without a duration — images — are excluded when set).
    public var minimumDuration: Double?
    public var maximumDuration: Double?
    /// Added-at bounds, inclusive.
    public var addedAfter: Date?
    public var addedBefore: Date?

    public init(kinds: Set<ItemKind>? = nil, tags: [String] = [], minimumDuration: Double? = nil,
                maximumDuration: Double? = nil, addedAfter: Date? = nil, addedBefore: Date? = nil) {
        self.kinds = kinds
        self.tags = tags
        self.minimumDuration = minimumDuration
        self.maximumDuration = maximumDuration
        self.addedAfter = addedAfter
        self.addedBefore = addedBefore
    }

    /// True when the filter lets everything through.
    public var isEmpty: Bool {
        kinds == nil && tags.isEmpty && minimumDuration == nil && maximumDuration == nil
            && addedAfter == nil && addedBefore == nil
    }

    /// The most conditions a filter may have (each `tag=`, `kind=`, `duration=`, `added=` counts once).
    /// Real filters have a handful; the bound keeps a request from building an unbounded query.
    public static let maximumConditions = 64

    /// Refuses a filter over ``maximumConditions`` (also checked when parsing).
    func validate() throws {
        let distinctTags = Set(tags.map { $0.lowercased() }).count
        guard distinctTags <= Self.maximumConditions else {
            throw CatalogError(subject: "filter",
                               reason: "has \(distinctTags) tags; at most \(Self.maximumConditions) conditions are allowed")
        }
    }

    /// The SQL condition on table `items` (always safe to `AND` in) and its parameters.
    ///
    /// The statement text depends only on *which* conditions are present, never on how many tags or
    /// kinds there are: lists are bound as one JSON array parameter (`json_each`), so a long tag list
    /// neither grows the expression tree nor adds a new statement to the connection's cache.
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
        if let minimumDuration { parts.append("items.duration >= ?"); values.append(.real(minimumDuration)) }
        if let maximumDuration { parts.append("items.duration <= ?"); values.append(.real(maximumDuration)) }
        if let addedAfter { parts.append("items.added_at >= ?"); values.append(.real(addedAfter.timeIntervalSince1970)) }
        if let addedBefore { parts.append("items.added_at <= ?"); values.append(.real(addedBefore.timeIntervalSince1970)) }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
    }

    /// `strings` as a JSON array text (the parameter of `json_each`).
    private static func jsonArray(_ strings: [String]) -> String {
        let data = (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension CatalogFilter {
    /// Parses the CLI/HTTP filter syntax: comma-separated `name=value` conditions, all of which must hold.
    ///
    /// - `kind=image` or `kind=video` (`kind=image|video` for either)
    /// - `tag=NAME` (repeatable: every tag must be present)
    /// - `duration=MIN..MAX` seconds, either side may be empty (`duration=..60`, `duration=10..`)
    /// - `added=FROM..TO` ISO-8601 dates (`2024-01-31`) or date-times (`2024-01-31T12:00:00Z`)
    ///
    /// Throws ``CatalogError`` naming the bad condition.
    public init(parsing text: String) throws {
        self.init()
        var conditions = 0
        for raw in text.split(separator: ",") {
            let condition = raw.trimmingCharacters(in: .whitespaces)
            if condition.isEmpty { continue }
            conditions += 1
            guard conditions <= Self.maximumConditions else {
                let total = text.split(separator: ",").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
                throw CatalogError(subject: "filter",
                                   reason: "has \(total) conditions; at most \(Self.maximumConditions) are allowed")
            }
            guard let equals = condition.firstIndex(of: "=") else {
                throw CatalogError(subject: "filter '\(condition)'", reason: "expected name=value")
            }
            let name = condition[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = condition[condition.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            func fail(_ why: String) -> CatalogError { CatalogError(subject: "filter '\(condition)'", reason: why) }
            switch name {
            case "kind":
                var kinds = Set<ItemKind>()
                for part in value.split(separator: "|") {
                    guard let kind = ItemKind(rawValue: part.lowercased()) else { throw fail("kind must be image or video") }
                    kinds.insert(kind)
                }
                guard !kinds.isEmpty else { throw fail("kind must be image or video") }
                self.kinds = kinds
            case "tag", "tags":
                guard !value.isEmpty else { throw fail("empty tag") }
                tags.append(value)
            case "duration":
                let (low, high) = try Self.range(value, fail: fail) { Double($0).flatMap { $0.isFinite ? $0 : nil } }
                minimumDuration = low
                maximumDuration = high
            case "added":
                let (low, high) = try Self.range(value, fail: fail, parse: Self.date)
                addedAfter = low
                addedBefore = high
            default:
                throw fail("unknown filter '\(name)' (known: kind, tag, duration, added)")
            }
        }
    }

    private static func range<T>(_ text: String, fail: (String) -> CatalogError,
                                 parse: (String) -> T?) throws -> (T?, T?) {
        guard let dots = text.range(of: "..") else { throw fail("expected a range FROM..TO") }
        let lowText = String(text[..<dots.lowerBound]), highText = String(text[dots.upperBound...])
        var low: T?, high: T?
        if !lowText.isEmpty { guard let v = parse(lowText) else { throw fail("cannot read '\(lowText)'") }; low = v }
        if !highText.isEmpty { guard let v = parse(highText) else { throw fail("cannot read '\(highText)'") }; high = v }
        guard low != nil || high != nil else { throw fail("a range needs at least one bound") }
        return (low, high)
    }

    private static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }
}

/// Codable so a query's filter can travel to a shard replica (``CatalogFilter`` fields as they are).
extension CatalogFilter: Codable {}
