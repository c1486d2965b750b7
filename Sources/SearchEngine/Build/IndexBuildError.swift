/// The error vocabulary of the `SearchEngine` layer (index directories, builds, ingest, queries): a
/// stable ``Kind`` (the code callers branch on, and that the HTTP service maps to a status once), the
/// input it is about, a reason for people, and the underlying error kept as ``cause`` (for logs; never
/// shown to HTTP clients).
public struct SearchEngineError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The input (folder, manifest, file) is missing, unreadable or malformed.
        case badInput
        /// A manifest path leaves the configured root.
        case pathEscapesRoot
        /// A file of the index directory is missing, corrupt or from another format version.
        case corruptIndex
        /// The index directory has no published version yet.
        case noVersion
        /// Another build is staged with different inputs.
        case conflict
        /// Another writer holds the index's lock (and did not release it within the wait).
        case busy
        /// Reading or writing failed.
        case io
        /// A build stopped on request (`BuildOptions.stopAfterItems`), after its last checkpoint.
        case interrupted
        /// A query asked for nothing (no image, item or text).
        case missingQuery
        /// A query or a request names an item the index does not hold.
        case itemNotFound
        /// A query needs a model that was not loaded (the image encoder for images, MiniLM for text).
        case modelUnavailable
        /// A query's value is out of range or malformed (k, a weight, a timestamp).
        case invalidQuery
        /// A paging cursor that this service did not issue (malformed, truncated).
        case invalidCursor
        /// A paging cursor issued for another query (or other parameters).
        case cursorMismatch
        /// A paging cursor issued before the index changed.
        case staleCursor
    }

    public let kind: Kind
    /// The path or input the error is about.
    public let subject: String
    public let reason: String
    /// The error underneath, if any (kept for logs).
    public let cause: (any Error & Sendable)?

    public init(_ kind: Kind, _ subject: String, _ reason: String, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
        self.cause = cause
    }

    public var description: String { "\(subject): \(reason)" }

    public static func == (a: SearchEngineError, b: SearchEngineError) -> Bool {
        a.kind == b.kind && a.subject == b.subject && a.reason == b.reason
    }
}

/// The name builds and ingest have always used for ``SearchEngineError``.
public typealias IndexBuildError = SearchEngineError
