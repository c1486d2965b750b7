import Crypto
import Foundation

/// An index directory: immutable versions plus a small manifest naming the one that serves.
///
/// ```
/// DIR/CURRENT                    manifest naming the serving version (40 bytes, see below)
/// DIR/versions/000001/           one published version
///     catalog.sqlite (+ -wal)    items, frames, FTS5, text vectors (TextSearchIndex)
///     visual/                    IVF index of the 1280-d image and frame embeddings (IVFIndexWriter)
///     build-report.json          what the build did (counts, failures with reasons)
/// DIR/staging/                   the build in progress (resumable; never read by searches)
/// DIR/LOCK                       flock held by the one writer (build, add, remove, rollback)
/// ```
///
/// `CURRENT` layout (little-endian): magic `VSIDXCUR` (8 bytes), format version `UInt32` (1), reserved
/// `UInt32` (0), version number `UInt64`, publish time `UInt64` (Unix seconds), then the first 8 bytes of
/// the SHA-256 of the 32 bytes before them. It is replaced atomically (temp, fsync, rename, fsync dir):
/// a crash leaves the previous version serving. Searches resolve the version once at open.
///
/// `add` and `remove` change the serving version in place: its catalog transactions and the IVF's own
/// append log are durable on return (the IVF index keeps its own internal versions for compaction).
public struct IndexDirectory: Sendable {
    public let path: String

    public static let currentFileName = "CURRENT"
    public static let versionsFolder = "versions"
    public static let stagingFolder = "staging"
    public static let visualFolder = "visual"
    public static let reportFileName = "build-report.json"
    static let magic = Array("VSIDXCUR".utf8)
    static let formatVersion: UInt32 = 1

    public init(path: String) {
        self.path = path
    }

    public var currentFile: String { path + "/" + Self.currentFileName }
    public var versionsDirectory: String { path + "/" + Self.versionsFolder }
    public var stagingDirectory: String { path + "/" + Self.stagingFolder }
    var lockFile: String { path + "/LOCK" }

    /// `DIR/versions/NNNNNN`.
    public func versionDirectory(_ version: UInt64) -> String {
        versionsDirectory + "/" + String(format: "%06llu", version)
    }

    /// Takes the writer lock (one build, add, remove or rollback at a time), creating `DIR` if needed.
    func lock() throws -> DirectoryLock {
        try create()
        return try DirectoryLock(path: lockFile)
    }

    func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: versionsDirectory, withIntermediateDirectories: true)
        } catch {
            throw IndexBuildError(.io, path, "cannot create the index directory (\(error.localizedDescription))")
        }
    }

    /// The serving version, or nil when nothing was published yet.
    public func currentVersion() throws -> UInt64? {
        guard FileManager.default.fileExists(atPath: currentFile) else { return nil }
        let bytes = try DurableFile.readAll(currentFile, limit: 4096)
        return try Self.parseCurrent(bytes, path: currentFile)
    }

    /// The serving version and its directory, from one read of `CURRENT` (so the two always agree, even
    /// while another process publishes); nil if nothing was published.
    public func serving() throws -> (version: UInt64, directory: String)? {
        guard let version = try currentVersion() else { return nil }
        let directory = versionDirectory(version)
        guard FileManager.default.fileExists(atPath: directory) else {
            throw IndexBuildError(.corruptIndex, currentFile, "names version \(version), but \(directory) is missing")
        }
        return (version, directory)
    }

    /// The directory of the serving version. Throws `.noVersion` if nothing was published.
    public func servingDirectory() throws -> String {
        guard let serving = try serving() else {
            throw IndexBuildError(.noVersion, path, "no index version published yet (run vsearch build first)")
        }
        return serving.directory
    }

    /// Published versions on disk, oldest first.
    public func versions() throws -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: versionsDirectory)) ?? []
        return names.compactMap { name in name.count == 6 && name.allSatisfy(\.isNumber) ? UInt64(name) : nil }.sorted()
    }

    /// Moves a finished staging directory into `versions/` as the next version and makes it current.
    /// Until the `CURRENT` rename, the previous version keeps serving.
    @discardableResult
    func publish(staged: String) throws -> UInt64 {
        let next = (try versions().last ?? 0) + 1
        let target = versionDirectory(next)
        try DurableFile.move(staged, to: target)
        try setCurrent(next)
        return next
    }

    /// Deletes all but the newest `keep` versions (never the serving one). Searches that still have an
    /// older version open keep working: its files stay readable until they close them.
    @discardableResult
    func prune(keep: Int) throws -> [UInt64] {
        let current = try currentVersion()
        let all = try versions()
        let doomed = all.dropLast(max(1, keep)).filter { $0 != current }
        for version in doomed { try? FileManager.default.removeItem(atPath: versionDirectory(version)) }
        if !doomed.isEmpty { try DurableFile.syncDirectory(versionsDirectory) }
        return Array(doomed)
    }

    /// Makes `version` (which must exist) the serving one.
    func setCurrent(_ version: UInt64) throws {
        guard FileManager.default.fileExists(atPath: versionDirectory(version)) else {
            throw IndexBuildError(.badInput, path, "has no version \(version)")
        }
        try DurableFile.writeAtomically(Self.currentBytes(version: version, publishedAt: UInt64(Date().timeIntervalSince1970)),
                                        to: currentFile)
    }

    static func currentBytes(version: UInt64, publishedAt: UInt64) -> [UInt8] {
        var bytes = magic
        appendLittleEndian(formatVersion, to: &bytes)
        appendLittleEndian(UInt32(0), to: &bytes)
        appendLittleEndian(version, to: &bytes)
        appendLittleEndian(publishedAt, to: &bytes)
        bytes += SHA256.hash(data: bytes).prefix(8)
        return bytes
    }

    static func parseCurrent(_ bytes: [UInt8], path: String) throws -> UInt64 {
        guard bytes.count == 40, Array(bytes[0..<8]) == magic else {
            throw IndexBuildError(.corruptIndex, path, "is not an index manifest (bad magic or size \(bytes.count))")
        }
        guard Array(SHA256.hash(data: bytes[0..<32]).prefix(8)) == Array(bytes[32..<40]) else {
            throw IndexBuildError(.corruptIndex, path, "checksum mismatch (the manifest is damaged)")
        }
        let format = readLittleEndian(UInt32.self, bytes, at: 8)
        guard format == formatVersion else {
            throw IndexBuildError(.corruptIndex, path, "manifest format \(format) is not supported (expected \(formatVersion))")
        }
        return readLittleEndian(UInt64.self, bytes, at: 16)
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    var value: T = 0
    for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
    return value
}
