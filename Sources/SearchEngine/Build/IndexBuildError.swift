/// Why an index build, an ingest or a read of an index directory failed, naming the file or input.
public struct IndexBuildError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The input (folder, manifest, file) is missing, unreadable or malformed.
        case badInput
        /// A manifest path leaves the configured root.
        case pathEscapesRoot
        /// A file of the index directory is missing, corrupt or from another format version.
        case corruptIndex
        /// The index directory has no published version yet.
        case noVersion
        /// Another build is staged with different inputs, or another writer holds the lock.
        case conflict
        /// Reading or writing failed.
        case io
        /// A build stopped on request (`BuildOptions.stopAfterItems`), after its last checkpoint.
        case interrupted
    }

    public let kind: Kind
    /// The path or input the error is about.
    public let subject: String
    public let reason: String

    public init(_ kind: Kind, _ subject: String, _ reason: String) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}
