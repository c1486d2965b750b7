#if canImport(Glibc)
import Glibc
#endif
import Crypto
import DurableFiles
import Foundation
import VectorIndex

/// The vectors of a build in progress, appended to disk as they are embedded (memory stays flat) and
/// later read back, memory-mapped, as the IVF build's `VectorSource`.
///
/// Layout (little-endian): a 32-byte header — magic `VSSPILL1`, format version `UInt32` (1), dimension
/// `UInt32`, 8 reserved bytes, the first 8 bytes of the SHA-256 of the 24 before — then fixed-size records:
/// vector id `Int64`, `dimension` × `Float32`, flags `UInt32` (bit 0: last vector of its item; bit 1:
/// last record of its batch), then a checksum `UInt32` (the first 4 bytes of the SHA-256 of the record
/// before it). Records are a whole number of floats long, so the mapped file is one strided matrix
/// (stride `dimension + 4` floats).
///
/// Checkpoints: records are appended per batch, then `fsync`ed, so a crash can damage only the last
/// batch, and within it any page (pages reach the disk in any order): a record cut short, zeros, or
/// garbage. On reopen the file is cut after the last verified record that ends an item (the torn tail,
/// reported by ``cutTailBytes``), and that partial batch is redone. Damage followed by a verified record
/// of a *later* batch cannot come from a crash (the earlier batch was fsynced first): it is corruption.
final class VectorSpill {
    static let magic = Array("VSSPILL1".utf8)
    static let headerSize = 32

    let path: String
    let dimension: Int
    private let fd: Int32
    private(set) var count: Int
    /// Keys (vector id >> 16) whose last vector is in the file: the items that are finished.
    private(set) var finishedKeys: Set<Int64> = []
    /// Bytes cut from the end when the spill was opened (a torn tail left by a crash; 0 if none).
    private(set) var cutTailBytes = 0

    static let lastOfItemFlag: UInt32 = 1
    static let lastOfBatchFlag: UInt32 = 2

    var recordSize: Int { 8 + 4 * dimension + 8 }
    /// Bytes of the file (header and records).
    var byteCount: Int { Self.headerSize + count * recordSize }

    /// Opens (creating if needed) the spill at `path`, verifying every record and dropping a torn tail.
    init(path: String, dimension: Int) throws {
        self.path = path
        self.dimension = dimension
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexBuildError(.io, path, "cannot open the vector spill (\(String(cString: strerror(errno))))") }
        count = 0
        do {
            try recover()
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private func header() -> [UInt8] {
        var bytes = Self.magic
        appendLittleEndian(UInt32(1), to: &bytes)
        appendLittleEndian(UInt32(dimension), to: &bytes)
        bytes += [UInt8](repeating: 0, count: 8)
        bytes += SHA256.hash(data: bytes).prefix(8)
        return bytes
    }

    private func recover() throws {
        let size = Int(lseek(fd, 0, SEEK_END))
        if size < Self.headerSize {
            guard ftruncate(fd, 0) == 0 else { throw IndexBuildError(.io, path, "truncate failed") }
            try pwriteAll(header(), at: 0)
            guard fsync(fd) == 0 else { throw IndexBuildError(.io, path, "fsync failed") }
            return
        }
        var head = [UInt8](repeating: 0, count: Self.headerSize)
        try preadAll(&head, at: 0)
        guard head == header() else {
            throw IndexBuildError(.corruptIndex, path, "is not a vector spill of dimension \(dimension) (bad header)")
        }
        // Verify records in chunks; keep everything up to the last verified end-of-item record.
        let record = recordSize
        let total = (size - Self.headerSize) / record
        var keep = 0
        var pendingKeys: [Int64] = []
        var buffer = [UInt8](repeating: 0, count: record * 256)
        var index = 0
        // After the first damaged record: the batch-end markers seen among verified records since.
        var firstDamaged: Int?
        var batchEndsAfterDamage = 0
        while index < total {
            let n = min(256, total - index)
            try preadAll(&buffer, count: n * record, at: Self.headerSize + index * record)
            for r in 0..<n {
                let base = r * record
                let body = buffer[base..<(base + record - 4)]
                let stored = readLittleEndian(UInt32.self, buffer, at: base + record - 4)
                let verified = Self.checksum(body) == stored
                let flags = readLittleEndian(UInt32.self, buffer, at: base + record - 8)
                if let damaged = firstDamaged {
                    // Verified records after damage may be pages of the same (last, unsynced) batch; a
                    // record after that batch's end marker belongs to a later batch.
                    guard verified else { continue }
                    if batchEndsAfterDamage > 0 {
                        throw IndexBuildError(.corruptIndex, path, "record \(damaged) of the vector spill is damaged and "
                            + "followed by verified records of a later batch (record \(index + r))")
                    }
                    if flags & Self.lastOfBatchFlag != 0 { batchEndsAfterDamage += 1 }
                    continue
                }
                guard verified else { firstDamaged = index + r; continue }
                let id = Int64(bitPattern: readLittleEndian(UInt64.self, buffer, at: base))
                pendingKeys.append(id >> 16)
                if flags & Self.lastOfItemFlag != 0 {
                    finishedKeys.formUnion(pendingKeys)
                    pendingKeys.removeAll()
                    keep = index + r + 1
                }
            }
            index += n
        }
        count = keep
        let end = Self.headerSize + keep * record
        if end != size {
            guard ftruncate(fd, off_t(end)) == 0, fsync(fd) == 0 else { throw IndexBuildError(.io, path, "cannot cut the torn tail") }
            cutTailBytes = size - end
        }
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let digest = Array(SHA256.hash(data: bytes).prefix(4))
        return readLittleEndian(UInt32.self, digest, at: 0)
    }

    /// Appends the vectors of whole items (`vectors`: `ids.count × dimension`; `lastOfItem[i]` marks the
    /// last vector of each item) and makes them durable.
    func append(ids: [Int64], vectors: [Float], lastOfItem: [Bool]) throws {
        precondition(vectors.count == ids.count * dimension && lastOfItem.count == ids.count)
        guard !ids.isEmpty else { return }
        let record = recordSize
        var bytes = [UInt8]()
        bytes.reserveCapacity(ids.count * record)
        for i in ids.indices {
            let start = bytes.count
            appendLittleEndian(UInt64(bitPattern: ids[i]), to: &bytes)
            for j in 0..<dimension { appendLittleEndian(vectors[i * dimension + j].bitPattern, to: &bytes) }
            let flags = (lastOfItem[i] ? Self.lastOfItemFlag : 0) | (i == ids.count - 1 ? Self.lastOfBatchFlag : 0)
            appendLittleEndian(flags, to: &bytes)
            appendLittleEndian(Self.checksum(bytes[start...]), to: &bytes)
        }
        try pwriteAll(bytes, at: Self.headerSize + count * record)
        guard fsync(fd) == 0 else { throw IndexBuildError(.io, path, "fsync failed (\(String(cString: strerror(errno))))") }
        count += ids.count
        var pending: [Int64] = []
        for i in ids.indices {
            pending.append(ids[i] >> 16)
            if lastOfItem[i] { finishedKeys.formUnion(pending); pending.removeAll() }
        }
    }

    private func pwriteAll(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IndexBuildError(.io, path, "write failed (\(String(cString: strerror(errno))))")
                }
                done += n
            }
        }
    }

    private func preadAll(_ buffer: inout [UInt8], count: Int? = nil, at offset: Int) throws {
        let want = count ?? buffer.count
        try buffer.withUnsafeMutableBytes { raw in
            var done = 0
            while done < want {
                let n = pread(fd, raw.baseAddress! + done, want - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw IndexBuildError(.io, path, "read failed") }
                done += n
            }
        }
    }

    /// The spilled vectors, memory-mapped, and their ids (in file order).
    func mapped() throws -> SpilledVectors {
        try SpilledVectors(path: path, dimension: dimension, count: count)
    }
}

/// A spill file mapped read-only as a `VectorSource` (rows `dimension + 4` floats apart).
final class SpilledVectors: VectorSource, @unchecked Sendable {
    // @unchecked: the mapping is read-only and lives as long as this object; nothing mutates it.
    let path: String
    let count: Int
    let dimension: Int
    let ids: [Int64]
    private let mapping: ReadOnlyMapping?

    /// `ids`: the records' vector ids when known already (a segment's `vector-ids.bin`), so that mapping
    /// the spill does not page in every record to read them; nil reads them from the records.
    init(path: String, dimension: Int, count: Int, ids knownIDs: [Int64]? = nil) throws {
        self.path = path
        self.dimension = dimension
        self.count = count
        let record = 8 + 4 * dimension + 8
        let length = VectorSpill.headerSize + count * record
        if count == 0 {
            mapping = nil
            ids = []
            return
        }
        let mapping: ReadOnlyMapping
        do { mapping = try ReadOnlyMapping(path: path) } catch {
            throw IndexBuildError(.io, path, "cannot map the vector spill (\(error.message))")
        }
        guard mapping.count >= length, let base = mapping.base else {
            throw IndexBuildError(.corruptIndex, path, "the vector spill has \(mapping.count) bytes, fewer than its \(count) records need")
        }
        self.mapping = mapping
        if let knownIDs {
            guard knownIDs.count == count else {
                throw IndexBuildError(.corruptIndex, path, "\(knownIDs.count) vector ids listed for \(count) records")
            }
            ids = knownIDs
        } else {
            ids = (0..<count).map { Int64(littleEndian: base.loadUnaligned(fromByteOffset: VectorSpill.headerSize + $0 * record, as: Int64.self)) }
        }
    }

    /// Row `row`'s vector after checking the record's checksum and id (`.corruptIndex` naming the file
    /// and the record otherwise): how a reader that did not verify the whole file reads single records.
    func verifiedVector(_ row: Int) throws -> [Float] {
        precondition(row >= 0 && row < count, "row out of bounds")
        let record = 8 + 4 * dimension + 8
        let start = VectorSpill.headerSize + row * record
        let bytes = [UInt8](UnsafeRawBufferPointer(start: mapping!.base! + start, count: record))
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: record - 4, as: UInt32.self) }
        let id = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
        guard VectorSpill.checksum(bytes[0..<(record - 4)]) == UInt32(littleEndian: stored), Int64(littleEndian: id) == ids[row] else {
            throw IndexBuildError(.corruptIndex, path, "record \(row) of the vector spill does not match its checksum or its listed id")
        }
        return bytes.withUnsafeBytes { raw in (0..<dimension).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8 + 4 * $0, as: UInt32.self))) } }
    }

    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "row range out of bounds")
        let stride = dimension + 4
        let start = VectorSpill.headerSize + range.lowerBound * stride * 4
        defer { release(from: start, to: VectorSpill.headerSize + range.upperBound * stride * 4) }
        return try body((mapping!.base! + start + 8).assumingMemoryBound(to: Float.self), stride)
    }

    /// Drops the pages of a row range from this process's resident set once read (they stay in the page
    /// cache): a pass over a 100k × 1280 spill then does not add its 500 MB to the peak RSS. Safe with
    /// concurrent readers: a read-only shared file mapping refaults dropped pages from the file.
    private func release(from start: Int, to end: Int) {
        guard end > start else { return }
        mapping?.advise(willNeed: false, offset: start, length: end - start)
    }
}
