/// Catalog failures that are not raw SQLite errors: bad input or an incompatible file.
public struct CatalogError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What the error is about: the catalog file, an item id, or a filter expression.
    public let subject: String
    public let reason: String

    public init(subject: String, reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}
