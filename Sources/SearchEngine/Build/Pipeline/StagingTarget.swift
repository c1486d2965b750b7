import Catalog

/// The staging version as the admission rules see it (``IngestTarget``): items finished in the
/// staging catalog and spill (by an earlier run or earlier chunks), plus the inputs admitted but not
/// written yet (the current chunk and the pending one), which are not in the catalog yet.
struct StagingTarget: IngestTarget {
    let catalog: Catalog
    let spill: VectorSpill
    private var inFlightByHash: [String: IngestTargetItem] = [:]
    private var inFlightByID: [String: IngestTargetItem] = [:]

    init(catalog: Catalog, spill: VectorSpill) {
        self.catalog = catalog
        self.spill = spill
    }

    /// Only the items of `pending` are still unwritten (everything admitted before them is written).
    mutating func resetInFlight(to pending: [EmbeddedItem]) {
        inFlightByHash = [:]
        inFlightByID = [:]
        for embedded in pending { admitted(IngestTargetItem(embedded.item)) }
    }

    /// An input admitted in this chunk (in flight until written).
    mutating func admitted(_ item: IngestTargetItem) {
        if let hash = item.contentHash { inFlightByHash[hash] = item }
        inFlightByID[item.id] = item
    }

    func item(withContent hash: String) throws -> IngestTargetItem? {
        if let inFlight = inFlightByHash[hash] { return inFlight }
        // Only finished content counts: a row written before a crash, whose vectors did not reach the
        // spill, is simply redone (catalog writes are upserts by id).
        guard let existing = try catalog.item(contentHash: hash), let key = try catalog.key(id: existing.id),
              spill.finishedKeys.contains(key) else { return nil }
        return IngestTargetItem(existing)
    }

    func item(withID id: String) throws -> IngestTargetItem? {
        if let inFlight = inFlightByID[id] { return inFlight }
        return try catalog.item(id: id).map(IngestTargetItem.init)
    }
}
