/// One live write in a shard's operation log: small (media travel by reference to the shared media
/// store, never inside etcd's 1.5 MiB requests), applied by every replica of the shard in log order.
public struct LogOperation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case add, remove }
    public var op: Kind
    public var id: String
    /// `add`: the media file's path in the shared media store (content-addressed: `<sha256>.<ext>`).
    public var media: String?
    public var fileName: String?
    public var title: String
    public var description: String
    public var tags: [String]

    public init(op: Kind, id: String, media: String? = nil, fileName: String? = nil, title: String = "", description: String = "",
                tags: [String] = []) {
        self.op = op
        self.id = id
        self.media = media
        self.fileName = fileName
        self.title = title
        self.description = description
        self.tags = tags
    }
}
