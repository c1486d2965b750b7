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
    static func isValidID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), id.first != "." else { return false }
        return id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }
}

extension SearchService {
    /// Stores the upload under `DIR/media/`, then adds it to the serving version through
    /// `IndexMaintenance.add` (the same path as `vsearch add`: embedded, durable on return), then
    /// refreshes the snapshot so the next search sees it.
    public func add(_ new: NewItem) async throws -> ItemDTO {
        if let id = new.id, !NewItem.isValidID(id) {
            throw APIError.invalidParameter("id", "'\(id)' is not a valid id (letters, digits, '.', '_', '-'; 1-128 characters; not starting with '.')")
        }
        guard !new.media.isEmpty else { throw APIError.badRequest("the media file is empty") }
        let index = index, media = media, imageEncoder = imageEncoder, textEncoder = textEncoder, serving = serving
        let item: ItemDTO = try await run(writeWork, "write") {
            guard let catalog = try? serving.catalog() else {
                throw APIError.notReady(serving.unavailableReason ?? "no index")
            }
            if let id = new.id, let owner = try catalog.item(id: id) {
                throw APIError.conflict("id_conflict", "id '\(id)' is already used by \(owner.source)")
            }
            let hash = ContentHash.sha256(bytes: new.media)
            if let existing = try catalog.item(contentHash: hash) {
                throw APIError.conflict("duplicate", "the same content is already indexed as item '\(existing.id)'")
            }
            let stored = try media.store(new.media, hash: hash)
            let stem = new.fileName.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? ""
            let entry = BuildEntry(path: stored.path, id: new.id, title: new.title.isEmpty ? stem : new.title,
                                   description: new.description, tags: new.tags)
            let summary: BuildSummary
            do {
                summary = try IndexMaintenance.add([entry], to: index, imageEncoder: imageEncoder, textEncoder: textEncoder)
            } catch {
                if stored.created { media.delete(stored.path) }
                throw error
            }
            guard summary.indexed == 1 else {
                if stored.created { media.delete(stored.path) }
                if let duplicate = summary.duplicates.first { throw APIError.conflict("duplicate", duplicate.reason) }
                if let skipped = summary.skipped.first {
                    throw APIError.unsupportedMediaType("upload: \(skipped.reason)")
                }
                let reason = summary.failures.first?.reason ?? "not indexed"
                if reason.contains("already used") { throw APIError.conflict("id_conflict", reason) }
                throw APIError.undecodableMedia("upload: \(reason)")
            }
            serving.reopen(reason: "add")
            let id = new.id ?? String(stored.hash.prefix(16))
            guard let added = try serving.catalog().item(id: id) else {
                throw APIError.internal("item '\(id)' was added but cannot be read back")
            }
            let frames = added.kind == .video ? try catalog.frames(videoID: id).count : 0
            return DTOMapping.item(added, frames: frames)
        }
        thumbnails.removeAll(id: item.id)
        return item
    }

    /// Removes item `id` (vectors, catalog rows, frames; and its file if it was uploaded here).
    public func remove(id: String) async throws {
        let index = index, media = media, textEncoder = textEncoder, serving = serving
        try await run(writeWork, "write") {
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
