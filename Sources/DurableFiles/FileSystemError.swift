#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a file: which file, which operation, and the system's reason.
///
/// Each library wraps it in its own error type (`ImagingError`, `VectorIndexError`, `IndexBuildError`,
/// `WeightFileError`) so callers keep seeing one error type per layer; the message is kept.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    /// The file or directory the operation was on.
    public var path: String
    /// What was attempted, e.g. `"create"`, `"fsync"`, `"rename to /x/y"`.
    public var operation: String
    /// `errno` at the failure (0 when the failure was not a system call's, e.g. "not a regular file").
    public var code: Int32
    /// The system's text for `code`, or the reason when `code` is 0.
    public var reason: String

    public init(path: String, operation: String, code: Int32, reason: String) {
        self.path = path
        self.operation = operation
        self.code = code
        self.reason = reason
    }

    /// The failure of the system call that just returned an error, read from `errno`.
    static func last(_ path: String, _ operation: String) -> FileSystemError {
        let code = errno
        return FileSystemError(path: path, operation: operation, code: code, reason: String(cString: strerror(code)))
    }

    /// "cannot fsync: Input/output error": the operation and reason, without the path (wrappers add it).
    public var message: String { "cannot \(operation): \(reason)" }

    public var description: String { "\(path): \(message)" }
}
