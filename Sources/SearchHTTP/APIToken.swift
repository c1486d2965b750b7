import Foundation

/// The shared secret that authorises writes (`POST /v1/items`, `DELETE /v1/items/{id}`), sent as
/// `Authorization: Bearer <token>`. Compared in constant time, so response timing does not reveal how
/// much of a guess was right.
public struct APIToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// The environment variable read by `vsearch serve` (ARCHITECTURE.md).
    public static let environmentVariable = "VSEARCH_API_TOKEN"

    /// A token of at least one non-whitespace character (surrounding whitespace is trimmed).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        bytes = Array(trimmed.utf8)
    }

    /// Reads the token from a file (its first line; a trailing newline is ignored).
    public static func load(file path: String) throws -> APIToken {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ServeSetupError("\(path): cannot read the token file (\(error.localizedDescription))")
        }
        guard data.count <= 4096, let text = String(data: data, encoding: .utf8),
              let token = APIToken(text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "")
        else { throw ServeSetupError("\(path): the token file must hold one non-empty line of UTF-8 text (at most 4 KiB)") }
        return token
    }

    /// Whether `header` (the `Authorization` value) is `Bearer <this token>`. Constant time in the
    /// token's length: every byte is compared whatever the first mismatch.
    public func authorizes(_ header: String?) -> Bool {
        guard let header else { return false }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return false }
        let presented = Array(header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces).utf8)
        // The length check is kept apart from the byte accumulator: folding `count ^ count` into a
        // UInt8 would drop its high bits (a token plus 256·n extra bytes compared equal).
        let sameLength = presented.count == bytes.count
        var difference: UInt8 = 0
        for i in 0..<bytes.count {
            difference |= bytes[i] ^ (i < presented.count ? presented[i] : 0)
        }
        return sameLength && difference == 0
    }

    /// Never prints the secret.
    public var description: String { "APIToken(\(bytes.count) bytes)" }
}

/// A problem starting the service (bad option, unreadable token file, no models).
public struct ServeSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
