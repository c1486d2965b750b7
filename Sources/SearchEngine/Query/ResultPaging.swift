import Crypto
import Foundation

/// Paging through a query's results: `k` is the page size, each page carries an opaque `next_cursor`
/// (nil on the last page), and passing it back fetches the next page.
///
/// Pages are cut from one fused ranking whose depth is fixed per query (every source ranks up to
/// ``QueryOptions/maximumResults`` items, ``maximumTotal`` by default), so the same query always
/// ranks the same way: pages are disjoint, in order, and stable while the index does not change.
///
/// A cursor is `base64url("vs1:" offset ":" query ":" index)`: the offset of the page's first result,
/// the query's fingerprint (SHA-256 of the query vectors, item, text and every option that changes the
/// ranking, the page size included) and the index's state stamp (serving version, visual IVF version
/// and size, the catalog's revision). A cursor of another query or issued before the index changed is
/// refused with a typed error (``SearchEngineError/Kind/cursorMismatch``, ``SearchEngineError/Kind/staleCursor``).
public struct ResultPaging: Sendable, Equatable {
    /// The most results a query can page through (the default ranking depth of every source).
    public static let maximumTotal = 1000
    /// Longest cursor text accepted.
    static let maximumCursorBytes = 256
    private static let prefix = "vs1"

    /// Hex prefix of the query's fingerprint.
    public let query: String
    /// Hex prefix of the index state's fingerprint.
    public let index: String

    /// Paging for a query fingerprint (``queryFingerprint(request:queryVectors:nprobe:)``) over an index state
    /// (``indexStamp(_:)``, or a cluster's ``combinedStamp(_:)`` of its shards' stamps).
    public init(query: String, index: String) {
        self.query = query
        self.index = index
    }

    /// The cursor of the page starting at `offset`.
    public func cursor(offset: Int) -> String {
        let text = "\(Self.prefix):\(offset):\(query):\(index)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The offset `cursor` points at (0 for nil or empty). Throws ``SearchEngineError`` (subject
    /// `cursor`): `.invalidCursor` when it is not a cursor at all, `.cursorMismatch` when it belongs to
    /// another query, `.staleCursor` when the index changed since it was issued.
    public func offset(of cursor: String?) throws -> Int {
        guard let cursor, !cursor.isEmpty else { return 0 }
        let parts = try Self.parse(cursor)
        guard parts.query == query else {
            throw SearchEngineError(.cursorMismatch, "cursor",
                                    "belongs to another query or other parameters (the query, filter, weights and k must stay the same); start again without a cursor")
        }
        guard parts.index == index else {
            throw SearchEngineError(.staleCursor, "cursor", "the index changed since this cursor was issued; start again without a cursor")
        }
        return parts.offset
    }

    /// The offset a well-formed `cursor` points at, before it is checked against a query and an index (the
    /// cluster router needs it to ask the shards deep enough; it checks the cursor once they answered).
    /// Throws `.invalidCursor` when it is not a cursor at all.
    public static func unverifiedOffset(of cursor: String?) throws -> Int {
        guard let cursor, !cursor.isEmpty else { return 0 }
        return try parse(cursor).offset
    }

    private static func parse(_ cursor: String) throws -> (offset: Int, query: Substring, index: Substring) {
        func invalid() -> SearchEngineError {
            SearchEngineError(.invalidCursor, "cursor", "is not a cursor this service issued (pass back a next_cursor unchanged)")
        }
        guard cursor.utf8.count <= Self.maximumCursorBytes else { throw invalid() }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw invalid() }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.prefix, let offset = Int(parts[1]), (0...1_000_000).contains(offset)
        else { throw invalid() }
        return (offset, parts[2], parts[3])
    }

    /// The paging of `request` (with its resolved query vectors and nprobe) over `snapshot`.
    static func make(request: SearchRequest, queryVectors: [[Float]], nprobe: Int, snapshot: IndexSnapshot) throws -> ResultPaging {
        ResultPaging(query: queryFingerprint(request: request, queryVectors: queryVectors, nprobe: nprobe),
                     index: try indexStamp(snapshot))
    }

    /// The fingerprint of `request` with its resolved query vectors: everything that changes its ranking,
    /// the page size included. `nprobe` nil: each shard's own default (the cluster router's queries).
    public static func queryFingerprint(request: SearchRequest, queryVectors: [[Float]], nprobe: Int?) -> String {
        let options = request.options
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Data((text + "\u{1F}").utf8)) }
        add(request.kind)
        for vector in queryVectors { vector.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        add(request.item.map { "\($0.id)@\($0.at.map { "\($0)" } ?? "-")" } ?? "-")
        add(request.effectiveText ?? "-")
        add("k=\(options.k) nprobe=\(nprobe.map(String.init) ?? "default") overFetch=\(options.overFetch) depth=\(options.maximumResults)/\(options.candidatesPerSource)")
        add(options.filter.canonicalText)
        // Every source's weight, 1 when unset: equal fusions give equal fingerprints (CLI and HTTP alike).
        add("rrf=\(options.fusion.k) " + RankingSource.allCases.sorted().map { "\($0.rawValue)=\(options.fusion.weights[$0] ?? 1)" }.joined(separator: " "))
        let w = options.lexicalWeights
        add("bm25=\(w.title),\(w.description),\(w.tags),\(w.autoTags)")
        add("min=\(options.minSimilarity.map { "\($0)" } ?? "-") collapse=\(options.collapseNearDuplicates)")
        return hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The state stamp of `snapshot`: serving version, visual IVF version and size, the catalog's revision.
    /// Replicas that loaded the same version and applied the same writes have the same stamp.
    public static func indexStamp(_ snapshot: IndexSnapshot) throws -> String {
        let visual = snapshot.visual
        let stamp = "\(snapshot.version ?? 0):\(visual?.version ?? 0):\(visual?.count ?? 0):\(visual?.logEntries ?? 0):\(try snapshot.catalog.revision())"
        return combinedStamp([stamp])
    }

    /// One stamp for several index states (a cluster's: every shard's stamp, in shard order).
    public static func combinedStamp(_ parts: [String]) -> String {
        var state = SHA256()
        state.update(data: Data(parts.joined(separator: "|").utf8))
        return state.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
