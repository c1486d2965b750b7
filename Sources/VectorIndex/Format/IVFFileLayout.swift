/// The immutable base file of one index version, `DIR/v<version>.ivf`. All fields little-endian.
///
/// ```
/// header (256 bytes)
///   0   magic "VSIVFIDX"            8   formatVersion u32 (1)     12  headerLength u32 (256)
///   16  dimension u32               20  metric u32 (1 ip, 2 l2)   24  encoding u32 (1 flat, 2 sq8, 3 pq, 4 pq4fs)
///   28  nlist u32                   32  count u64 (vectors)       40  flags u64 (bit 0: fp32 vectors stored;
///                                                                     bit 1: PQ rotation stored, pq/pq4fs only;
///                                                                     bit 2: pq4fs lists unpadded)
///   48  indexVersion u64            56  sectionCount u32 (6)      60  m u32 (PQ sub-quantisers; 0 otherwise)
///   64  6 × section { offset u64, length u64, checksum u64 }      208 reserved (zero)
///   248 xxh64 of bytes 0..<248
/// sections (each starts at a 64-byte aligned offset; the file ends exactly at the last section's end)
///   0 centroids   nlist × d fp32                                checksum verified at open
///   1 encoding    encoding parameters (sq8: min[d], scale[d];     checksum verified at open
///                 pq/pq4fs: m u32, bits u32, codebooks m × 2^bits × d/m fp32,
///                 then with flag bit 1 the OPQ rotation d × d fp32)
///   2 directory   nlist × { firstRow u64, count u64, codesHash u64, idsHash u64, rawHash u64 }
///                                                                checksum verified at open
///   3 codes       codeRows × codeSize, grouped by list in list order \  checksum field 0: covered per list
///                 (codeRows = count, except pq4fs without flag bit
///                 2: each list is rounded up to whole 32-vector
///                 fast-scan blocks; with it, a list's last
///                 count % 32 codes are rows after its blocks)
///   4 ids         count × i64, same order                            |  by the directory hashes, verified
///   5 vectors     count × d fp32, same order (if flag bit 0)        /  on first touch of the list
/// ```
struct IVFFileLayout: Equatable {
    static let magic: [UInt8] = Array("VSIVFIDX".utf8)
    static let formatVersion: UInt32 = 1
    static let headerLength = 256
    static let sectionCount = 6
    static let directoryEntryLength = 40

    enum Section: Int, CaseIterable {
        case centroids = 0, encoding, directory, codes, ids, vectors
        var name: String { ["centroids", "encoding", "directory", "codes", "ids", "vectors"][rawValue] }
    }

    struct SectionEntry: Equatable {
        var offset: Int
        var length: Int
        var checksum: UInt64
        var end: Int { offset + length }
    }

    var dimension: Int
    var metric: Metric
    var encoding: EncodingKind
    var nlist: Int
    var count: Int
    var storesVectors: Bool
    var indexVersion: UInt64
    var sections: [SectionEntry]
    /// PQ sub-quantisers `m` (0 for flat and sq8).
    var subquantizers: Int = 0
    /// Rows of the codes section: `count`, or more when lists are padded to whole blocks (pq4fs).
    var codeRows: Int = 0
    /// PQ codes are of rotated vectors; the rotation follows the codebooks (header flag bit 1).
    var rotated: Bool = false
    /// pq4fs: each list holds its full 32-vector blocks, then its last `count % 32` codes as rows, instead
    /// of a last block padded with zero codes (header flag bit 2; files written before it are padded).
    var compactTails: Bool = false

    /// Rows a list of `count` vectors occupies in the codes section.
    func codeRows(ofList count: Int) -> Int { Self.codeRows(ofList: count, encoding: encoding, compactTails: compactTails) }

    /// Rows a list of `count` vectors occupies in the codes section of a file of `encoding`.
    static func codeRows(ofList count: Int, encoding: EncodingKind, compactTails: Bool) -> Int {
        compactTails ? count : encoding.codeRows(count)
    }

    static func align64(_ x: Int) -> Int { (x + 63) & ~63 }

    /// Section offsets and lengths for the given shape (checksums zero until written).
    static func plan(dimension d: Int, metric: Metric, encoding: EncodingKind, codeSize: Int, parameterBytes: Int,
                     nlist: Int, count: Int, storesVectors: Bool, indexVersion: UInt64, subquantizers: Int = 0,
                     codeRows: Int? = nil, rotated: Bool = false, compactTails: Bool = false) -> IVFFileLayout {
        let codeRows = codeRows ?? count
        let lengths = [nlist * d * 4, parameterBytes, nlist * directoryEntryLength, codeRows * codeSize, count * 8,
                       storesVectors ? count * d * 4 : 0]
        var sections: [SectionEntry] = []
        var offset = headerLength
        for len in lengths {
            offset = align64(offset)
            sections.append(SectionEntry(offset: offset, length: len, checksum: 0))
            offset += len
        }
        return IVFFileLayout(dimension: d, metric: metric, encoding: encoding, nlist: nlist, count: count,
                             storesVectors: storesVectors, indexVersion: indexVersion, sections: sections,
                             subquantizers: subquantizers, codeRows: codeRows, rotated: rotated, compactTails: compactTails)
    }

    var fileSize: Int { sections.map(\.end).max() ?? IVFFileLayout.headerLength }

    subscript(section: Section) -> SectionEntry {
        get { sections[section.rawValue] }
        set { sections[section.rawValue] = newValue }
    }

    func headerBytes() -> [UInt8] {
        var w = ByteWriter()
        w.raw(IVFFileLayout.magic)
        w.u32(IVFFileLayout.formatVersion)
        w.u32(UInt32(IVFFileLayout.headerLength))
        w.u32(UInt32(dimension))
        w.u32(metric.rawValue)
        w.u32(encoding.rawValue)
        w.u32(UInt32(nlist))
        w.u64(UInt64(count))
        w.u64((storesVectors ? 1 : 0) | (rotated ? 2 : 0) | (compactTails ? 4 : 0))
        w.u64(indexVersion)
        w.u32(UInt32(IVFFileLayout.sectionCount))
        w.u32(UInt32(subquantizers))
        for s in sections { w.u64(UInt64(s.offset)); w.u64(UInt64(s.length)); w.u64(s.checksum) }
        w.pad(to: 248)
        w.u64(XXHash64.hash(w.bytes))
        return w.bytes
    }

    /// Parses and validates the header of a mapped file of `fileSize` bytes. Every failure names `path`.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> IVFFileLayout {
        guard bytes.count >= headerLength, let base = bytes.baseAddress else {
            throw VectorIndexError(.truncated, path, "is \(bytes.count) bytes, shorter than the \(headerLength)-byte header")
        }
        guard Array(UnsafeRawBufferPointer(start: base, count: 8)) == magic else {
            throw VectorIndexError.corrupt(path, "is not a vector index file (bad magic number)")
        }
        var r = ByteReader(base, count: headerLength, subject: path)
        r.offset = 8
        let version = try r.u32()
        // The checksum is checked first so a damaged version field reads as corruption; a newer format
        // (which may lay out its header differently) is reported as such only when its checksum is intact.
        let stored = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 248, as: UInt64.self))
        guard XXHash64.hash(base: base, count: 248) == stored else {
            if version != formatVersion && version > 0 && version < 100 {
                throw VectorIndexError(.unsupportedVersion, path, "has format version \(version); this build reads version \(formatVersion)")
            }
            throw VectorIndexError.corrupt(path, "header checksum mismatch")
        }
        guard version == formatVersion else {
            throw VectorIndexError(.unsupportedVersion, path, "has format version \(version); this build reads version \(formatVersion)")
        }
        let hlen = try r.u32()
        let d = Int(try r.u32()), m = try r.u32(), e = try r.u32(), nlist = Int(try r.u32())
        let count = try r.u64(), flags = try r.u64(), indexVersion = try r.u64(), nsec = try r.u32()
        let pqM = Int(try r.u32())
        guard hlen == headerLength, nsec == sectionCount, let metric = Metric(rawValue: m),
              let encoding = EncodingKind(rawValue: e), (1...65536).contains(d), (1...(1 << 24)).contains(nlist),
              count < (1 << 40), flags <= 7, flags & 2 == 0 || encoding.isProductQuantized, flags & 4 == 0 || encoding == .pq4fs,
              encoding.subquantizerProblem(dimension: d, subquantizers: pqM) == nil
        else { throw VectorIndexError.corrupt(path, "header fields are out of range") }
        var sections: [SectionEntry] = []
        for _ in 0..<sectionCount {
            let off = try r.u64(), len = try r.u64(), sum = try r.u64()
            guard off < (1 << 50), len < (1 << 50) else { throw VectorIndexError.corrupt(path, "section bounds out of range") }
            sections.append(SectionEntry(offset: Int(off), length: Int(len), checksum: sum))
        }
        var layout = IVFFileLayout(dimension: d, metric: metric, encoding: encoding, nlist: nlist, count: Int(count),
                                   storesVectors: flags & 1 == 1, indexVersion: indexVersion, sections: sections,
                                   subquantizers: pqM, rotated: flags & 2 != 0, compactTails: flags & 4 != 0)
        let codeSize = encoding.codeSize(dimension: d, subquantizers: pqM)
        // Padded lists (pq4fs) make the codes section longer than count rows, by at most 31 rows a list;
        // the directory (read at open) must then account for exactly these rows.
        var codeRows = Int(count)
        if encoding.codeRowAlignment > 1 && !layout.compactTails {
            let length = sections[IVFFileLayout.Section.codes.rawValue].length
            guard length % codeSize == 0, length / codeSize >= codeRows,
                  length / codeSize <= codeRows + (encoding.codeRowAlignment - 1) * nlist else {
                throw VectorIndexError.corrupt(path, "section table does not match the header's shape")
            }
            codeRows = length / codeSize
        }
        layout.codeRows = codeRows
        let expected = plan(dimension: d, metric: metric, encoding: encoding,
                            codeSize: codeSize,
                            parameterBytes: encoding.parameterBytes(dimension: d, rotated: layout.rotated),
                            nlist: nlist, count: Int(count), storesVectors: layout.storesVectors, indexVersion: indexVersion,
                            subquantizers: pqM, codeRows: codeRows, rotated: layout.rotated, compactTails: layout.compactTails)
        for (a, b) in zip(expected.sections, sections) where a.offset != b.offset || a.length != b.length {
            throw VectorIndexError.corrupt(path, "section table does not match the header's shape")
        }
        guard bytes.count >= layout.fileSize else {
            throw VectorIndexError(.truncated, path, "is truncated: \(bytes.count) bytes, the header describes \(layout.fileSize)")
        }
        guard bytes.count == layout.fileSize else {
            throw VectorIndexError.corrupt(path, "has \(bytes.count - layout.fileSize) unexpected bytes after the last section")
        }
        return layout
    }
}

/// One inverted list's place in the file: rows `firstRow ..< firstRow + count` of the codes, ids and
/// vectors sections, plus the xxh64 of each of those three byte ranges.
struct ListEntry: Sendable {
    var firstRow: Int
    var count: Int
    var codesHash: UInt64
    var idsHash: UInt64
    var vectorsHash: UInt64
}
