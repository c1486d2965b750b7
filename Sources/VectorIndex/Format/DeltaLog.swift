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
/// Each `add`/`remove` call is one record written with one `pwrite` and fsynced before returning, so
/// only the bytes after the last acknowledged record can be damaged by a crash: a record cut short, or
/// a tail of zeros or garbage (the file grew but its data never reached the disk). Such a **torn tail**
/// — damage after which no valid record follows — is not written: readers ignore it and the writer
/// cuts it (`IVFIndexWriter.repairs`). Damage *followed by a valid record*, or a record whose length
/// field was damaged but whose body still verifies (a flipped bit, not a crash), is corruption and is
/// reported, never skipped.
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
        /// Bytes after `validLength`: a torn tail (ignored).
        var tornTailBytes: Int
    }

    /// The record framing at `offset` if it is a complete record whose checksum verifies: its total size.
    static func verifiedRecordSize(_ base: UnsafeRawPointer, count: Int, at offset: Int) -> Int? {
        let remaining = count - offset
        guard remaining >= 16 else { return nil }
        let length = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let check = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length == ~check, length >= 12, Int(length) <= remaining - 16 else { return nil }
        let payload = Int(length)
        let sum = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8 + payload, as: UInt64.self))
        guard XXHash64.hash(base: base + offset, count: 8 + payload) == sum else { return nil }
        return 16 + payload
    }

    /// Whether the record at `offset` is intact except for one of its two length fields: one of them,
    /// taken as right, gives a record whose checksum verifies. That is a damaged byte, not a crash.
    static func hasDamagedLengthField(_ base: UnsafeRawPointer, count: Int, at offset: Int) -> Bool {
        let remaining = count - offset
        guard remaining >= 16 else { return false }
        let length = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let check = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length != ~check else { return false }
        for candidate in [length, ~check] where candidate >= 12 && Int(candidate) <= remaining - 16 {
            let payload = Int(candidate)
            var framed = [UInt8](repeating: 0, count: 8 + payload)
            withUnsafeBytes(of: candidate.littleEndian) { framed.replaceSubrange(0..<4, with: $0) }
            withUnsafeBytes(of: (~candidate).littleEndian) { framed.replaceSubrange(4..<8, with: $0) }
            framed.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: 8).copyMemory(from: base + offset + 8, byteCount: payload) }
            let sum = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8 + payload, as: UInt64.self))
            if XXHash64.hash(framed) == sum { return true }
        }
        return false
    }

    /// The offset of the first verified record starting after `offset`, if any.
    static func nextVerifiedRecord(_ base: UnsafeRawPointer, count: Int, after offset: Int) -> Int? {
        var position = offset + 1
        while position + 16 <= count {
            if verifiedRecordSize(base, count: count, at: position) != nil { return position }
            position += 1
        }
        return nil
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
                guard let total = verifiedRecordSize(base, count: bytes.count, at: offset) else {
                    // Damage at `offset`: a torn tail only if nothing acknowledged can lie beyond it.
                    if hasDamagedLengthField(base, count: bytes.count, at: offset) {
                        throw VectorIndexError.corrupt(path, "record at byte \(offset) has an invalid length")
                    }
                    if let next = nextVerifiedRecord(base, count: bytes.count, after: offset) {
                        throw VectorIndexError.corrupt(path, "record at byte \(offset) is damaged and followed by a valid record at byte \(next)")
                    }
                    return Parsed(records: records, validLength: offset, tornTailBytes: bytes.count - offset)
                }
                let payload = total - 16
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
            return Parsed(records: records, validLength: offset, tornTailBytes: 0)
        }
    }
}
