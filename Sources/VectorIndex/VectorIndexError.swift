/// A failure of the vector index, naming the file or input and the reason.
public struct VectorIndexError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// A system call failed (open, read, write, mmap, fsync, rename...).
        case io
        /// A checksum, magic number or structural field does not match: the bytes cannot be trusted.
        case corrupt
        /// The file is shorter than its header says.
        case truncated
        /// A format version this build cannot read.
        case unsupportedVersion
        /// Caller input is invalid (dimension mismatch, bad k, malformed vectors file...).
        case badInput
        /// Another writer holds the index lock.
        case locked
    }

    public let kind: Kind
    /// The file or input the error is about.
    public let subject: String
    public let reason: String

    public init(_ kind: Kind, _ subject: String, _ reason: String) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }

    static func badInput(_ subject: String, _ reason: String) -> VectorIndexError { .init(.badInput, subject, reason) }
    static func corrupt(_ subject: String, _ reason: String) -> VectorIndexError { .init(.corrupt, subject, reason) }
    static func io(_ subject: String, _ reason: String) -> VectorIndexError { .init(.io, subject, reason) }
}
