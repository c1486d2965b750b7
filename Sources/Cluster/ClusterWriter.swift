import Foundation
import SearchEngine
import SearchHTTP

/// The router's side of live writes: `POST /v1/items` stores the media in the shared media store and
/// appends an `add` to the owner shard's ``OperationLog``; `DELETE /v1/items/{id}` appends a `remove`. The
/// answer (202) carries the log position as `token`: a search with `after=TOKEN` is answered only by
/// replicas that have applied it.
///
/// The shared media store (`vsearch router --media DIR`) stands in for object storage: uploads are
/// content-addressed (`<sha256>.<ext>`, written atomically) and every replica reads them from there when
/// it applies the add, keeping its own copy in its index directory.
public struct ClusterWriter: Sendable {
    public let log: OperationLog
    public let media: MediaStore

    /// Appends to `log`; stores uploads in `media` (the shared media store).
    public init(log: OperationLog, media: MediaStore) {
        self.log = log
        self.media = media
    }

    /// What a write answers.
    public struct Receipt: Codable, Sendable, Equatable {
        public var id: String
        public var shard: Int
        /// The write's log position; pass it as `after` to read your write.
        public var token: String
    }

    /// Logs the addition of `item` (its id: the given one, else the content-hash id, as one machine decides).
    public func add(_ item: NewItem, shards: Int) async throws -> Receipt {
        if let id = item.id, !NewItem.isValidID(id) {
            throw APIError.invalidParameter("id", "'\(id)' is not a valid id (letters, digits, '.', '_', '-'; 1-128 characters; not starting with '.')")
        }
        guard !item.media.isEmpty else { throw APIError.badRequest("the media file is empty") }
        let hash = ContentHash.sha256(bytes: item.media)
        let id = item.id ?? String(hash.prefix(16))
        let stored = try media.store(item.media, hash: hash)
        let shard = ShardSelection.shard(of: id, count: shards)
        let position = try await append(LogOperation(op: .add, id: id, media: stored.path, fileName: item.fileName, title: item.title,
                                                     description: item.description, tags: item.tags), shard: shard)
        return Receipt(id: id, shard: shard, token: String(position))
    }

    /// Logs the removal of `id`.
    public func remove(id: String, shards: Int) async throws -> Receipt {
        let shard = ShardSelection.shard(of: id, count: shards)
        return Receipt(id: id, shard: shard, token: String(try await append(LogOperation(op: .remove, id: id), shard: shard)))
    }

    private func append(_ operation: LogOperation, shard: Int) async throws -> UInt64 {
        do { return try await log.append(operation, shard: shard) } catch {
            var failure = APIError(.serviceUnavailable, "log_unavailable", "the write could not be logged; it was not applied — retry")
            failure.logDetail = "\(error)"
            throw failure
        }
    }
}
