/// `DIR/v<N>.log`: the append-only mutation log of version `N` (adds and removes since its base file).
///
/// ```
/// header (64 bytes): magic "VSIVFLOG", formatVersion u32 (1), headerLength u32 (64), baseVersion u64,
///                    dimension u32, reserved (zero) to 56, xxh64 of bytes 0..<56
/// records, back to back:
///   bodyLength u32, ~bodyLength u32, body, xxh64 u64 of (both lengths + body)
///   add body:    kind u32 (1), count u32, 0 u32, ids i64[count], lists u32[count], vectors fp32[count × d]
///   remove body: kind u32 (2), count u32, newlyRemovedBaseRows u32, ids i64[count]
/// ```
/// Each `add`/`remove` call is one record written with one `pwrite` and fsynced before returning.
/// Only the last record can be torn by a crash; a reader treats an incomplete or mismatching **last**
/// record as not written (the writer truncates it before appending). A bad record *followed by more
/// data*, or a length whose complement does not match, is corruption and is reported, never skipped
/// (the complement keeps a flipped length bit from posing as a torn tail and hiding later records).
enum DeltaLog {
    static let magic: [UInt8] = Array("VSIVFLOG".utf8)
    static let headerLength = 64

    enum Record {
        case add(ids: [Int64], lists: [Int32], vectors: [Float])
        case remove(ids: [Int64], newlyRemovedBaseRows: Int)
    }

    static func header(baseVersion: UInt64, dimension: Int) -> [UInt8] {
        var w = ByteWriter()
        w.raw(magic)
        w.u32(1)
        w.u32(UInt32(headerLength))
        w.u64(baseVersion)
        w.u32(UInt32(dimension))
        w.pad(to: 56)
        w.u64(XXHash64.hash(w.bytes))
        return w.bytes
    }

    static func encode(_ record: Record) -> [UInt8] {
        var w = ByteWriter()
        switch record {
        case let .add(ids, lists, vectors):
            w.u32(0); w.u32(0); w.u32(1)
            w.u32(UInt32(ids.count)); w.u32(0)
            for id in ids { w.i64(id) }
            for l in lists { w.u32(UInt32(l)) }
            vectors.withUnsafeBufferPointer { w.floats($0) }
        case let .remove(ids, removed):
            w.u32(0); w.u32(0); w.u32(2)
            w.u32(UInt32(ids.count)); w.u32(UInt32(removed))
            for id in ids { w.i64(id) }
        }
        let payload = w.bytes.count - 8
        withUnsafeBytes(of: UInt32(payload).littleEndian) { w.bytes.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: (~UInt32(payload)).littleEndian) { w.bytes.replaceSubrange(4..<8, with: $0) }
        w.u64(XXHash64.hash(w.bytes))
        return w.bytes
    }

    struct Parsed {
        var records: [Record]
        /// Bytes of header plus complete, verified records.
        var validLength: Int
    }

    /// Parses a log; validates the header against the base (`baseVersion`, `dimension`, `nlist`).
    static func parse(_ bytes: [UInt8], path: String, baseVersion: UInt64, dimension d: Int, nlist: Int) throws -> Parsed {
        guard bytes.count >= headerLength else {
            throw VectorIndexError(.truncated, path, "is \(bytes.count) bytes, shorter than its \(headerLength)-byte header")
        }
        return try bytes.withUnsafeBytes { raw -> Parsed in
            let base = raw.baseAddress!
            guard Array(bytes[0..<8]) == magic else { throw VectorIndexError.corrupt(path, "is not an index log (bad magic number)") }
            guard XXHash64.hash(base: base, count: 56) == UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 56, as: UInt64.self)) else {
                throw VectorIndexError.corrupt(path, "header checksum mismatch")
            }
            var h = ByteReader(base, count: headerLength, subject: path)
            h.offset = 8
            let fmt = try h.u32()
            guard fmt == 1 else { throw VectorIndexError(.unsupportedVersion, path, "has format version \(fmt); this build reads 1") }
            _ = try h.u32()
            let bv = try h.u64(), dim = Int(try h.u32())
            guard bv == baseVersion, dim == d else {
                throw VectorIndexError.corrupt(path, "belongs to version \(bv) with dimension \(dim), not version \(baseVersion) with \(d)")
            }
            var records: [Record] = []
            var offset = headerLength
            while offset < bytes.count {
                let remaining = bytes.count - offset
                guard remaining >= 16 else { break }  // torn tail
                let length = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let check = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                let payload = Int(length)
                let total = 8 + payload + 8
                guard length == ~check, payload >= 12 else {
                    throw VectorIndexError.corrupt(path, "record at byte \(offset) has an invalid length")
                }
                if total > remaining { break }  // torn tail: the last record runs past the end of the file
                let sum = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8 + payload, as: UInt64.self))
                guard XXHash64.hash(base: base + offset, count: 8 + payload) == sum else {
                    if total == remaining { break }  // torn last record
                    throw VectorIndexError.corrupt(path, "record at byte \(offset) fails its checksum")
                }
                var r = ByteReader(base + offset + 8, count: payload, subject: path)
                let kind = try r.u32(), count = Int(try r.u32()), extra = Int(try r.u32())
                switch kind {
                case 1:
                    guard payload == 12 + count * (12 + 4 * d) else { throw VectorIndexError.corrupt(path, "add record at byte \(offset) has the wrong size") }
                    var ids: [Int64] = [], lists: [Int32] = []
                    ids.reserveCapacity(count); lists.reserveCapacity(count)
                    for _ in 0..<count { ids.append(try r.i64()) }
                    for _ in 0..<count {
                        let l = try r.u32()
                        guard l < nlist else { throw VectorIndexError.corrupt(path, "add record at byte \(offset) names list \(l) of \(nlist)") }
                        lists.append(Int32(l))
                    }
                    let v = try r.bytes(4 * d * count)
                    let vectors = [Float](unsafeUninitializedCapacity: d * count) { buf, n in
                        UnsafeMutableRawBufferPointer(buf).copyMemory(from: v)
                        n = d * count
                    }
                    records.append(.add(ids: ids, lists: lists, vectors: vectors))
                case 2:
                    guard payload == 12 + 8 * count else { throw VectorIndexError.corrupt(path, "remove record at byte \(offset) has the wrong size") }
                    var ids: [Int64] = []
                    for _ in 0..<count { ids.append(try r.i64()) }
                    records.append(.remove(ids: ids, newlyRemovedBaseRows: extra))
                default:
                    throw VectorIndexError.corrupt(path, "record at byte \(offset) has unknown kind \(kind)")
                }
                offset += total
            }
            return Parsed(records: records, validLength: offset)
        }
    }
}
