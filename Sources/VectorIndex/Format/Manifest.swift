/// `DIR/MANIFEST`: names the current version; replaced atomically (temp, fsync, rename, fsync dir).
///
/// ```
/// 0 magic "VSIVFMAN"   8 formatVersion u32 (1)   12 length u32 (64)   16 version u64   24 reserved (zero)
/// 56 xxh64 of bytes 0..<56
/// ```
/// Version `N` means the base file `v<N>.ivf` plus the optional append log `v<N>.log`.
struct Manifest: Equatable {
    static let magic: [UInt8] = Array("VSIVFMAN".utf8)
    static let length = 64
    var version: UInt64

    func bytes() -> [UInt8] {
        var w = ByteWriter()
        w.raw(Manifest.magic)
        w.u32(1)
        w.u32(UInt32(Manifest.length))
        w.u64(version)
        w.pad(to: 56)
        w.u64(XXHash64.hash(w.bytes))
        return w.bytes
    }

    static func parse(_ bytes: [UInt8], path: String) throws -> Manifest {
        guard bytes.count == length else {
            throw VectorIndexError(bytes.count < length ? .truncated : .corrupt, path, "is \(bytes.count) bytes, expected \(length)")
        }
        guard Array(bytes[0..<8]) == magic else { throw VectorIndexError.corrupt(path, "is not an index manifest (bad magic number)") }
        return try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw.baseAddress!, count: length, subject: path)
            r.offset = 8
            let fmt = try r.u32()
            guard XXHash64.hash(base: raw.baseAddress!, count: 56) == UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 56, as: UInt64.self)) else {
                throw VectorIndexError.corrupt(path, "checksum mismatch")
            }
            guard fmt == 1 else { throw VectorIndexError(.unsupportedVersion, path, "has format version \(fmt); this build reads 1") }
            _ = try r.u32()
            return Manifest(version: try r.u64())
        }
    }
}

/// File names inside an index directory.
struct IndexPaths: Sendable {
    let directory: String
    var manifest: String { directory + "/MANIFEST" }
    func base(_ version: UInt64) -> String { directory + "/v\(version).ivf" }
    func log(_ version: UInt64) -> String { directory + "/v\(version).log" }

    func readManifest() throws -> Manifest {
        guard FileIO.exists(manifest) else {
            throw VectorIndexError.io(directory, "is not a vector index (no MANIFEST)")
        }
        return try Manifest.parse(FileIO.readFile(manifest, limit: 4096), path: manifest)
    }
}
