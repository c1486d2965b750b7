import Foundation

/// What an item is.
public enum ItemKind: String, Sendable, Codable, CaseIterable, Hashable {
    case image, video
}

/// The metadata of one image or video. Pixels never live in the catalog, only where to find them.
public struct CatalogItem: Sendable, Equatable, Codable {
    /// Stable identifier chosen by the ingest (for example derived from the content hash or a
    /// manifest's id column); unique in the catalog.
    public var id: String
    public var kind: ItemKind
    /// File path or URI of the original.
    public var source: String
    public var title: String
    public var description: String
    /// User tags, in the order given (matched case-insensitively by filters).
    public var tags: [String]
    public var width: Int?
    public var height: Int?
    /// Seconds (videos).
    public var duration: Double?
    public var addedAt: Date
    /// Hash of the original's bytes (hex), for de-duplication.
    public var contentHash: String?
    public var autoTags: [AutoTag]
    /// The item's concept vector (its CNN class probabilities carried into MiniLM space, see
    /// `ConceptSpace`), written with the item when set. Nil leaves a stored one as it is (an edit of the
    /// metadata keeps it); items read from the catalog do not load it (``Catalog/conceptVectors(dimension:)``).
    public var conceptVector: [Float]?

    public init(id: String, kind: ItemKind, source: String, title: String = "", description: String = "",
                tags: [String] = [], width: Int? = nil, height: Int? = nil, duration: Double? = nil,
                addedAt: Date = Date(), contentHash: String? = nil, autoTags: [AutoTag] = []) {
        self.id = id
        self.kind = kind
        self.source = source
        self.title = title
        self.description = description
        self.tags = tags
        self.width = width
        self.height = height
        self.duration = duration
        self.addedAt = addedAt
        self.contentHash = contentHash
        self.autoTags = autoTags
    }

    /// The text that describes the item for semantic search: title, description and tags.
    public var descriptiveText: String {
        var parts: [String] = []
        if !title.isEmpty { parts.append(title) }
        if !description.isEmpty { parts.append(description) }
        if !tags.isEmpty { parts.append(tags.joined(separator: ", ")) }
        return parts.joined(separator: ". ")
    }
}

/// The catalog's own integer key of an item (SQLite rowid): stable for the item's lifetime, used as
/// the FTS row id and as the id of its text vector.
public typealias ItemKey = Int64
