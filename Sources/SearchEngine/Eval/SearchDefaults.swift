import Crypto
import Foundation

/// Query defaults saved in an index version by `vsearch eval --ann --save`: the smallest nprobe that
/// reached the target recall, and what it was measured on. ``QueryEngine`` uses it when a query does
/// not set nprobe, as long as the visual index still has the `nlist` it was measured at (a retrain with
/// another number of lists makes it stale, and it is then ignored).
///
/// File `DIR/versions/NNNNNN/search-defaults.bin`, 64 bytes, little-endian:
///
/// ```
/// 0  magic "VSSRCHDF"    8  format version u32 (1)   12 length u32 (64)
/// 16 nprobe u32          20 nlist u32                 24 IVF index version u64 (the visual index's own version)
/// 32 measured at u64 (Unix seconds)                   40 target recall f64
/// 48 measured recall f32 52 k u32                     56 first 8 bytes of the SHA-256 of bytes 0..<56
/// ```
/// Written atomically (temp, fsync, rename, fsync dir) under the index's writer lock; verified on read
/// (an error names the file).
public struct SearchDefaults: Sendable, Equatable {
    public static let fileName = "search-defaults.bin"
    static let magic = Array("VSSRCHDF".utf8)
    static let formatVersion: UInt32 = 1
    static let length = 64

    public var nprobe: Int
    public var nlist: Int
    public var ivfVersion: UInt64
    public var measuredAt: UInt64
    public var targetRecall: Double
    public var measuredRecall: Float
    public var k: Int

    public init(nprobe: Int, nlist: Int, ivfVersion: UInt64, measuredAt: UInt64, targetRecall: Double, measuredRecall: Float, k: Int) {
        self.nprobe = nprobe
        self.nlist = nlist
        self.ivfVersion = ivfVersion
        self.measuredAt = measuredAt
        self.targetRecall = targetRecall
        self.measuredRecall = measuredRecall
        self.k = k
    }

    func bytes() -> [UInt8] {
        var b = Self.magic
        appendLittleEndian(Self.formatVersion, to: &b)
        appendLittleEndian(UInt32(Self.length), to: &b)
        appendLittleEndian(UInt32(nprobe), to: &b)
        appendLittleEndian(UInt32(nlist), to: &b)
        appendLittleEndian(ivfVersion, to: &b)
        appendLittleEndian(measuredAt, to: &b)
        appendLittleEndian(targetRecall.bitPattern, to: &b)
        appendLittleEndian(measuredRecall.bitPattern, to: &b)
        appendLittleEndian(UInt32(k), to: &b)
        b += SHA256.hash(data: b).prefix(8)
        return b
    }

    static func parse(_ b: [UInt8], path: String) throws -> SearchDefaults {
        guard b.count == length, Array(b[0..<8]) == magic else {
            throw IndexBuildError(.corruptIndex, path, "is not a search-defaults file (bad magic or size \(b.count))")
        }
        guard Array(SHA256.hash(data: b[0..<56]).prefix(8)) == Array(b[56..<64]) else {
            throw IndexBuildError(.corruptIndex, path, "checksum mismatch (the file is damaged)")
        }
        let format = readLittleEndian(UInt32.self, b, at: 8)
        guard format == formatVersion, readLittleEndian(UInt32.self, b, at: 12) == UInt32(length) else {
            throw IndexBuildError(.corruptIndex, path, "format \(format) is not supported (expected \(formatVersion))")
        }
        let nprobe = Int(readLittleEndian(UInt32.self, b, at: 16))
        guard nprobe >= 1 else { throw IndexBuildError(.corruptIndex, path, "records nprobe 0") }
        return SearchDefaults(nprobe: nprobe, nlist: Int(readLittleEndian(UInt32.self, b, at: 20)),
                              ivfVersion: readLittleEndian(UInt64.self, b, at: 24), measuredAt: readLittleEndian(UInt64.self, b, at: 32),
                              targetRecall: Double(bitPattern: readLittleEndian(UInt64.self, b, at: 40)),
                              measuredRecall: Float(bitPattern: readLittleEndian(UInt32.self, b, at: 48)),
                              k: Int(readLittleEndian(UInt32.self, b, at: 52)))
    }

    /// The defaults saved in `versionDirectory`, nil when none were saved. Throws when the file is damaged.
    public static func load(versionDirectory: String) throws -> SearchDefaults? {
        let path = versionDirectory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try parse(DurableFile.readAll(path, limit: 4096), path: path)
    }

    /// Saves `self` in the serving version of `index`, atomically, under the writer lock.
    public func save(in index: IndexDirectory) throws {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        try DurableFile.writeAtomically(bytes(), to: try index.servingDirectory() + "/" + Self.fileName)
    }
}
