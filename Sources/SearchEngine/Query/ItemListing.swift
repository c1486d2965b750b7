import Catalog
import Crypto
import Foundation

/// One page of the items an index holds (`GET /v1/items`, `vsearch items`).
public struct ItemListPage: Codable, Sendable, Equatable {
    public var items: [ItemDTO]
    /// The cursor of the next page; null on the last one.
    @ExplicitNull public var nextCursor: String?

    public init(items: [ItemDTO], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

/// Lists the items of an index in key order (the order they were first added), a page at a time.
///
/// Keyset paging: a cursor is `base64url("vi1:" lastKey ":" filter)` — the last key of the page and a
/// fingerprint of the filter — so pages never repeat an item and stay valid while items are added or
/// removed (a new item appears on a later page; a removed one simply is not listed). A cursor of
/// another filter is refused (``SearchEngineError/Kind/cursorMismatch``).
public enum ItemListing {
    public static let defaultLimit = 50
    public static let maximumLimit = 1000

    /// The page of items passing `filter` after `cursor` (nil: the first), at most `limit`.
    public static func page(_ catalog: Catalog, filter: CatalogFilter = CatalogFilter(), cursor: String? = nil,
                            limit: Int = defaultLimit) throws -> ItemListPage {
        guard (1...maximumLimit).contains(limit) else {
            throw SearchEngineError(.invalidQuery, "limit", "must be a whole number 1…\(maximumLimit)")
        }
        let fingerprint = Self.fingerprint(filter)
        let after = try cursor.flatMap { $0.isEmpty ? nil : $0 }.map { try Self.afterKey($0, fingerprint: fingerprint) } ?? 0
        // One row more than asked tells whether another page follows.
        let rows = try catalog.items(matching: filter, afterKey: after, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        let frames = try catalog.frameCounts(keys: page.filter { $0.item.kind == .video }.map(\.key))
        let next = rows.count > limit ? page.last.map { encode("vi1:\($0.key):\(fingerprint)") } : nil
        return ItemListPage(items: page.map { ItemDTO($0.item, frames: frames[$0.key] ?? 0) }, nextCursor: next)
    }

    static func fingerprint(_ filter: CatalogFilter) -> String {
        SHA256.hash(data: Data(filter.canonicalText.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    static func afterKey(_ cursor: String, fingerprint: String) throws -> ItemKey {
        let invalid = SearchEngineError(.invalidCursor, "cursor", "is not a cursor this service issued (pass back a next_cursor unchanged)")
        guard cursor.utf8.count <= 256 else { throw invalid }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "vi1", let key = ItemKey(parts[1]), key >= 0 else { throw invalid }
        guard parts[2] == fingerprint else {
            throw SearchEngineError(.cursorMismatch, "cursor", "was issued for another filter; start again without a cursor")
        }
        return key
    }

    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
