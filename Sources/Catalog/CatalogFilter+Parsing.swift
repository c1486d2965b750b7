import Foundation

extension CatalogFilter {
    /// The longest filter text accepted, in UTF-8 bytes.
    public static let maximumTextBytes = 4096
    /// The longest single value (a tag, a title word…), in UTF-8 bytes.
    public static let maximumValueBytes = 256

    /// Parses the CLI/HTTP filter grammar:
    ///
    /// ```
    /// filter    := condition ( "," condition )*          every condition must hold (AND)
    /// condition := [ "-" ] name op value ( "|" value )*   "|": any of the values (OR); "-": none of them
    /// name op   := kind= | tag= | auto_tag= | title~ | duration= | added=
    /// ```
    ///
    /// - `kind=image`, `kind=video`, `kind=image|video`; `-kind=video` (= `kind=image`)
    /// - `tag=NAME` (repeatable: every tag must be present), `tag=cat|dog` (at least one), `-tag=draft` (none)
    /// - `auto_tag=NAME` the image model's labels (an ImageNet class name, e.g. `auto_tag=tabby|tiger cat`),
    ///   `-auto_tag=…`
    /// - `title~WORD` the title contains the word (or the words of a phrase, in order), `title~a|b`, `-title~draft`
    /// - `duration=MIN..MAX` seconds, either side may be empty (`duration=..60`, `duration=10..`)
    /// - `added=FROM..TO` ISO-8601 dates (`2024-01-31`) or date-times (`2024-01-31T12:00:00Z`)
    ///
    /// Values cannot contain `,` or `|`; tags and auto-tags match case-insensitively. Bounded: at most
    /// ``maximumTextBytes`` of text, ``maximumValueBytes`` per value and ``maximumConditions`` values.
    /// Throws ``CatalogError`` naming the bad condition or the limit.
    public init(parsing text: String) throws {
        self.init()
        let conditions = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard conditions.count <= Self.maximumConditions else {
            throw CatalogError(subject: "filter",
                               reason: "has \(conditions.count) conditions; at most \(Self.maximumConditions) are allowed")
        }
        guard text.utf8.count <= Self.maximumTextBytes else {
            throw CatalogError(subject: "filter", reason: "is \(text.utf8.count) bytes long; at most \(Self.maximumTextBytes) are allowed")
        }
        for condition in conditions { try apply(condition) }
        let count = conditionCount
        guard count <= Self.maximumConditions else {
            throw CatalogError(subject: "filter", reason: "has \(count) conditions; at most \(Self.maximumConditions) are allowed")
        }
    }

    private mutating func apply(_ condition: String) throws {
        func fail(_ why: String) -> CatalogError { CatalogError(subject: "filter '\(condition)'", reason: why) }
        guard let operatorIndex = condition.firstIndex(where: { $0 == "=" || $0 == "~" }) else {
            throw fail("expected name=value (or title~word)")
        }
        var name = condition[..<operatorIndex].trimmingCharacters(in: .whitespaces).lowercased()
        let negated = name.hasPrefix("-")
        if negated { name = String(name.dropFirst()).trimmingCharacters(in: .whitespaces) }
        let op = condition[operatorIndex]
        let value = condition[condition.index(after: operatorIndex)...].trimmingCharacters(in: .whitespaces)
        let values = value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let long = values.first(where: { $0.utf8.count > Self.maximumValueBytes }) {
            throw fail("the value '\(long.prefix(32))…' is longer than \(Self.maximumValueBytes) bytes")
        }
        let expected = name == "title" ? "~" : "="
        guard ["kind", "tag", "tags", "auto_tag", "title", "duration", "added"].contains(name) else {
            throw fail("unknown filter '\(name)' (known: kind, tag, auto_tag, title, duration, added)")
        }
        guard String(op) == expected else { throw fail("'\(name)' takes '\(expected)', as in \(name)\(expected)VALUE") }
        if negated, name == "duration" || name == "added" {
            throw fail("'-' (negation) applies to kind, tag, auto_tag and title, not to ranges")
        }
        switch name {
        case "kind":
            var kinds = Set<ItemKind>()
            for part in values {
                guard let kind = ItemKind(rawValue: part.lowercased()) else { throw fail("kind must be image or video") }
                kinds.insert(kind)
            }
            guard !kinds.isEmpty else { throw fail("kind must be image or video") }
            let allowed = negated ? Set(ItemKind.allCases).subtracting(kinds) : kinds
            self.kinds = (self.kinds ?? Set(ItemKind.allCases)).intersection(allowed)
        case "tag", "tags":
            guard !values.isEmpty else { throw fail("empty tag") }
            if negated { excludedTags += values } else if values.count == 1 { tags.append(values[0]) } else { anyTags.append(values) }
        case "auto_tag":
            guard !values.isEmpty else { throw fail("empty auto-tag") }
            if negated { excludedAutoTags += values } else { autoTags.append(values) }
        case "title":
            guard !values.isEmpty else { throw fail("empty title word") }
            if let wordless = values.first(where: { Self.titlePhrase($0) == nil }) { throw fail("'\(wordless)' has no word to match") }
            if negated { excludedTitleWords += values } else { titleWords.append(values) }
        case "duration":
            let (low, high) = try Self.range(value, fail: fail) { Double($0).flatMap { $0.isFinite ? $0 : nil } }
            minimumDuration = low
            maximumDuration = high
        default:  // added
            let (low, high) = try Self.range(value, fail: fail, parse: Self.date)
            addedAfter = low
            addedBefore = high
        }
    }

    /// A text that parses back to this filter, the same for equal filters (the query fingerprint of a
    /// paging cursor uses it).
    public var canonicalText: String {
        var parts: [String] = []
        if let kinds { parts.append("kind=" + kinds.map(\.rawValue).sorted().joined(separator: "|")) }
        parts += Set(tags.map { $0.lowercased() }).sorted().map { "tag=" + $0 }
        parts += anyTags.map { "tag=" + $0.map { $0.lowercased() }.joined(separator: "|") }.sorted()
        if !excludedTags.isEmpty { parts.append("-tag=" + excludedTags.map { $0.lowercased() }.sorted().joined(separator: "|")) }
        parts += autoTags.map { "auto_tag=" + $0.map { $0.lowercased() }.joined(separator: "|") }.sorted()
        if !excludedAutoTags.isEmpty { parts.append("-auto_tag=" + excludedAutoTags.map { $0.lowercased() }.sorted().joined(separator: "|")) }
        parts += titleWords.map { "title~" + $0.joined(separator: "|") }.sorted()
        if !excludedTitleWords.isEmpty { parts.append("-title~" + excludedTitleWords.sorted().joined(separator: "|")) }
        if minimumDuration != nil || maximumDuration != nil {
            parts.append("duration=" + (minimumDuration.map { "\($0)" } ?? "") + ".." + (maximumDuration.map { "\($0)" } ?? ""))
        }
        if addedAfter != nil || addedBefore != nil {
            parts.append("added=" + (addedAfter.map { $0.formatted(.iso8601) } ?? "") + ".."
                         + (addedBefore.map { $0.formatted(.iso8601) } ?? ""))
        }
        return parts.joined(separator: ",")
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
