import Catalog
import Foundation
import SearchEngine

/// Metadata sent with an added item (`POST /v1/items`).
public struct NewItem: Sendable {
    public var media: [UInt8]
    /// The client's file name: only its stem is used, as the default title; never as a path.
    public var fileName: String?
    public var id: String?
    public var title: String
    public var description: String
    public var tags: [String]

    public init(media: [UInt8], fileName: String? = nil, id: String? = nil, title: String = "", description: String = "", tags: [String] = []) {
        self.media = media
        self.fileName = fileName
        self.id = id
        self.title = title
        self.description = description
        self.tags = tags
    }

    /// Ids are used in URLs: letters, digits, `.`, `_`, `-`, 1–128 characters, not starting with `.`.
    /// Ids a write may give: letters, digits, '.', '_', '-'; 1-128 characters; not starting with '.'.
    public static func isValidID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), id.first != "." else { return false }
        return id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }
}

extension SearchService {
    /// Stores the upload under `DIR/media/`, then ingests it into the serving version through
    /// `IndexMaintenance.ingest` (the same stages and rules as `vsearch add` and builds: embedded,
    /// durable on return), answers from its typed outcome (``IngestOutcomeStatus``), then refreshes the
    /// snapshot so the next search sees it. A refused upload's file is deleted again.
    ///
    /// `startBy`: a job that has not started by then (it waited behind other writes) gives up with 503
    /// `timeout` before changing anything; once started, it runs to its end and is answered — a write is
    /// never reported as failed while it goes on to commit (a retry would then meet its own item).
    public func add(_ new: NewItem, startBy: ContinuousClock.Instant? = nil) async throws -> ItemDTO {
        if let id = new.id, !NewItem.isValidID(id) {
            throw APIError.invalidParameter("id", "'\(id)' is not a valid id (letters, digits, '.', '_', '-'; 1-128 characters; not starting with '.')")
        }
        guard !new.media.isEmpty else { throw APIError.badRequest("the media file is empty") }
        let index = index, media = media, imageEncoder = imageEncoder, textEncoder = textEncoder, serving = serving, logger = logger
        let options = BuildOptions(threads: configuration.embeddingThreads)
        let timeout = configuration.requestTimeout
        let item: ItemDTO = try await writeWork.answer("write") {
            if let startBy, ContinuousClock.now > startBy { throw APIError.timeout(seconds: timeout.seconds) }
            guard (try? serving.engine()) != nil else {
                throw APIError.notReady(serving.unavailableReason ?? "no index")
            }
            let stored = try media.store(new.media, hash: ContentHash.sha256(bytes: new.media))
            CrashPoint.reach("upload.media-stored")
            let stem = new.fileName.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? ""
            let entry = BuildEntry(path: stored.path, id: new.id, title: new.title.isEmpty ? stem : new.title,
                                   description: new.description, tags: new.tags)
            let outcome: IngestOutcome
            do {
                outcome = try IndexMaintenance.ingest([entry], into: index, imageEncoder: imageEncoder, textEncoder: textEncoder,
                                                      options: options)
                    .records.first?.outcome ?? .failed(reason: "the ingest reported no outcome")
            } catch {
                // A failure after the item's row was committed (e.g. reading the totals afterwards) must not
                // take its original away: the item is indexed, so it is answered as added.
                if let committed = Self.committedItem(hash: stored.hash, in: index) {
                    logger.error("POST /v1/items: the item was committed, then the write failed: \(error)")
                    outcome = .indexed(id: committed.id)
                } else {
                    Self.discard(stored, of: media, unlessCommittedIn: index)
                    throw error
                }
            }
            guard case .indexed(let id) = outcome else {
                Self.discard(stored, of: media, unlessCommittedIn: index)
                if case .failed(let reason) = outcome { logger.error("POST /v1/items failed: \(reason)") }
                throw IngestOutcomeStatus.error(for: outcome, upload: stored.path) ?? APIError.internal("the item was not added")
            }
            CrashPoint.reach("upload.committed")  // committed, not yet acknowledged
            serving.reopen(reason: "add")
            let catalog = try serving.catalog()
            guard let added = try catalog.item(id: id) else {
                throw APIError.internal("item '\(id)' was added but cannot be read back")
            }
            let frames = added.kind == .video ? try catalog.frames(videoID: id).count : 0
            return DTOMapping.item(added, frames: frames)
        }
        thumbnails.removeAll(id: item.id)
        return item
    }

    /// Deletes an upload this add stored (`created`) and did not index — unless a committed item names that
    /// very file: another process serving the same directory (replicas of a shard on one machine) may have
    /// stored the same bytes a moment later and committed them, and its item must keep its original.
    static func discard(_ stored: MediaStore.Stored, of media: MediaStore, unlessCommittedIn index: IndexDirectory) {
        guard stored.created, committedItem(hash: stored.hash, in: index)?.source != stored.path else { return }
        media.delete(stored.path)
    }

    /// The item holding content `hash` in the serving version, read afresh from disk (nil when there is
    /// none, or the catalog cannot be read).
    static func committedItem(hash: String, in index: IndexDirectory) -> CatalogItem? {
        guard let directory = try? IndexSnapshot.resolve(index).path,
              let catalog = try? Catalog(path: directory + "/" + TextSearchIndex.catalogFileName, access: .readOnly(connections: 1))
        else { return nil }
        return try? catalog.item(contentHash: hash)
    }

    /// Removes item `id` (vectors, catalog rows, frames; and its file if it was uploaded here).
    /// `startBy`: as for ``add(_:startBy:)``.
    public func remove(id: String, startBy: ContinuousClock.Instant? = nil) async throws {
        let index = index, media = media, textEncoder = textEncoder, serving = serving
        let timeout = configuration.requestTimeout
        try await writeWork.answer("write") {
            if let startBy, ContinuousClock.now > startBy { throw APIError.timeout(seconds: timeout.seconds) }
            let source = try serving.catalog().item(id: id)?.source
            guard try IndexMaintenance.remove(id: id, from: index, textEncoder: textEncoder) else {
                throw APIError.itemNotFound(id)
            }
            if let source { media.delete(source) }
            serving.reopen(reason: "remove")
        }
        thumbnails.removeAll(id: id)
    }
}
