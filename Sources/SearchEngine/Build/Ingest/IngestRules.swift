import Catalog

/// What an ingest writes into, as the admission rules see it: which item holds some content, and which
/// item owns some id. A build answers from its staging catalog plus the inputs still in flight; `add`
/// and `POST /v1/items` from the serving catalog.
protocol IngestTarget {
    /// The item already holding content `hash` (finished: its vectors are written), or nil.
    func item(withContent hash: String) throws -> IngestTargetItem?
    /// The item (finished or in flight) that owns `id`, or nil.
    func item(withID id: String) throws -> IngestTargetItem?
}

/// An item of an ``IngestTarget``, as far as the admission rules need it.
struct IngestTargetItem: Sendable, Equatable {
    var id: String
    var source: String
    var contentHash: String?
}

extension IngestTargetItem {
    init(_ item: CatalogItem) { self.init(id: item.id, source: item.source, contentHash: item.contentHash) }
}

/// The one set of rules deciding whether a prepared input is written, for builds, `vsearch add` and
/// `POST /v1/items` alike:
/// 1. content already indexed is a **duplicate** (not embedded again); in a resumed build, the same
///    file at the same path is **resumed** instead;
/// 2. the item id is the manifest's, else the first 16 hex digits of the content hash;
/// 3. an id owned by an item with other content is an **id conflict** (the two would share vector ids).
enum IngestRules {
    enum Admission: Equatable {
        /// Embed and write the input under `id`.
        case admit(id: String)
        /// Do not embed it: this is how it ends.
        case settled(IngestOutcome)
    }

    /// - Parameter resumesSameSource: a build resuming an interrupted run treats content it already
    ///   finished at the same path as resumed rather than duplicate.
    static func admit(_ entry: BuildEntry, hash: String, into target: some IngestTarget,
                      resumesSameSource: Bool = false) throws -> Admission {
        if let existing = try target.item(withContent: hash) {
            if resumesSameSource && existing.source == entry.path { return .settled(.resumed(id: existing.id)) }
            return .settled(.duplicate(existingID: existing.id, reason: "same content as item \(existing.id) (\(existing.source))"))
        }
        let id = itemID(for: entry, hash: hash)
        if let owner = try target.item(withID: id), owner.contentHash != hash {
            return .settled(.idConflict(id: id, reason: "id '\(id)' is already used by \(owner.source)"))
        }
        return .admit(id: id)
    }

    /// The id an input gets: the manifest's, else derived from its content.
    static func itemID(for entry: BuildEntry, hash: String) -> String { entry.id ?? String(hash.prefix(16)) }
}

/// The serving catalog as an ``IngestTarget`` (`add`, `POST /v1/items`).
struct CatalogIngestTarget: IngestTarget {
    let catalog: Catalog

    func item(withContent hash: String) throws -> IngestTargetItem? {
        try catalog.item(contentHash: hash).map(IngestTargetItem.init)
    }

    func item(withID id: String) throws -> IngestTargetItem? {
        try catalog.item(id: id).map(IngestTargetItem.init)
    }
}
