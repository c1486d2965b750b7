/// A failure of the evaluation tools: the input (file and line, index, folder) and the reason.
public struct EvalError: Error, Sendable, CustomStringConvertible, Equatable {
    public let subject: String
    public let reason: String
    public init(_ subject: String, _ reason: String) {
        self.subject = subject
        self.reason = reason
    }
    public var description: String { "\(subject): \(reason)" }
}
