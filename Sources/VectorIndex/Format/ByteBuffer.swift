/// A growable little-endian byte buffer for building headers and records.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func floats(_ v: UnsafeBufferPointer<Float>) {
        for x in v { u32(x.bitPattern) }
    }
    mutating func pad(to size: Int) { if bytes.count < size { bytes.append(contentsOf: repeatElement(0, count: size - bytes.count)) } }
}

/// Bounds-checked little-endian reads from a byte region; every failure names `subject`.
struct ByteReader {
    let base: UnsafeRawPointer
    let count: Int
    let subject: String
    var offset = 0

    init(_ base: UnsafeRawPointer, count: Int, subject: String) {
        self.base = base
        self.count = count
        self.subject = subject
    }

    private mutating func need(_ n: Int) throws {
        guard n >= 0, offset <= count - n else {
            throw VectorIndexError(.truncated, subject, "ends at byte \(count), needed \(n) more bytes at \(offset)")
        }
    }
    mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(start: base + offset, count: n)
    }
}
