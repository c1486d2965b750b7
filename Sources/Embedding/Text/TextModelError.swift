/// Errors from loading or running the sentence-embedding model (vocabulary, weights, inputs).
public struct TextModelError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file or input the error is about (a path, a tensor name, or a short description).
    public let subject: String
    /// Why it failed, in words a user can act on.
    public let reason: String

    public var description: String { "\(subject): \(reason)" }
}
