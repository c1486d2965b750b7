import Crypto
import Foundation

/// SHA-256 of a file's bytes (hex), read in 1 MiB chunks so memory stays flat for large videos.
/// Items are identified by it: a renamed or copied file hashes the same and is not embedded twice.
public enum ContentHash {
    public static func sha256(path: String) throws -> String {
        let handle: FileHandle
        switch InputFile.open(path) {
        case .success(let opened): handle = opened
        case .failure(.notFound): throw IndexBuildError(.badInput, path, "no such file")
        case .failure(.unreadable(let reason)), .failure(.notRegular(let reason)): throw IndexBuildError(.badInput, path, reason)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw IndexBuildError(.badInput, path, "read failed (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// SHA-256 of bytes already in memory (hex), the same value ``sha256(path:)`` gives for a file of them.
    public static func sha256(bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
