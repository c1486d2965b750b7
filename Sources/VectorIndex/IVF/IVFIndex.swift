import Parallelism
import Synchronization

/// An on-disk IVF index version, opened read-only: an immutable snapshot.
///
/// Opening maps the base file (`mmap`, never read whole), verifies the header and the small sections
/// (centroids, encoding parameters, list directory), and replays the version's append log. List data
/// (codes, ids, stored vectors) is verified lazily, list by list, on first touch (``verify()`` checks
/// everything eagerly). A snapshot never changes: writes made later are seen by opening again.
///
/// Layout on disk: see `IVFFileLayout`, `DeltaLog` and `Manifest`.
public final class IVFIndex: VectorIndex {
    public let directory: String
    /// The manifest version this snapshot was opened at.
    public let version: UInt64
    public let dimension: Int
    public let metric: Metric
    public let nlist: Int
    public let encodingKind: EncodingKind
    /// Live vectors: base rows not removed plus live added vectors.
    public let count: Int
    /// Whether fp32 vectors are stored beside compressed codes (enables exact re-ranking).
    public let storesVectors: Bool
    /// PQ sub-quantisers (`pq`, `pq4fs`); 0 for the other encodings.
    public var subquantizers: Int { layout.subquantizers }
    /// True when the PQ codes are of OPQ-rotated vectors (``IVFBuildOptions/pqRotation``).
    public var hasPQRotation: Bool { layout.rotated }
    /// Bytes per vector of the codes scanned by a search (the resident part of the index besides ids).
    public var codeSize: Int { encoding.codeSize }

    let path: String
    let file: MappedFile
    let layout: IVFFileLayout
    let lists: [ListEntry]
    /// First row of each list in the codes section (differs from `firstRow` when lists are padded: pq4fs
    /// files written before `IVFFileLayout.compactTails`).
    let codeFirst: [Int]
    let maxListCount: Int
    let quantizer: CoarseQuantizer
    let encoding: any VectorEncoding
    let delta: Delta
    let verifier: ListVerifier
    /// Per-row scoring constants, filled list by list on first probe (nil when the encoding has none).
    let rowTerms: RowTerms?
    /// Byte length of the log prefix this snapshot replayed.
    let logLength: Int
    /// Bytes after that prefix that were ignored as a torn tail (left by a crash; the next writer cuts them).
    public let ignoredLogTailBytes: Int

    /// Opens the current version of the index in `directory`.
    public static func open(directory: String) throws -> IVFIndex {
        let paths = IndexPaths(directory: directory)
        // A concurrent compaction may delete the files of the version we just read from the manifest;
        // re-read the manifest and retry (the new version is complete before the manifest names it).
        // A concurrent compaction may delete the files of the version just read from the manifest. Files
        // are deleted only after the manifest moves on, so if the manifest still names the same version
        // after the base is mapped and the log read, they belong together; otherwise retry.
        var attempt = 0
        while true {
            let manifest = try paths.readManifest()
            do {
                let index = try IVFIndex(paths: paths, version: manifest.version)
                if try paths.readManifest() == manifest { return index }
            } catch let e as VectorIndexError where e.kind == .io && attempt < 100 && (try? paths.readManifest()) != manifest {}
            attempt += 1
            guard attempt < 100 else { throw VectorIndexError.io(directory, "the index kept changing while opening it") }
        }
    }

    init(paths: IndexPaths, version: UInt64) throws {
        let path = paths.base(version)
        let file = try MappedFile(path: path)
        let layout = try IVFFileLayout.parse(file.bytes, path: path)
        guard layout.indexVersion == version else {
            throw VectorIndexError.corrupt(path, "records version \(layout.indexVersion), the manifest names \(version)")
        }
        directory = paths.directory
        self.version = version
        self.path = path
        self.file = file
        self.layout = layout
        dimension = layout.dimension
        metric = layout.metric
        nlist = layout.nlist
        encodingKind = layout.encoding
        storesVectors = layout.storesVectors
        let d = layout.dimension, nlist = layout.nlist, metric = layout.metric
        func verified(_ s: IVFFileLayout.Section) throws -> UnsafeRawBufferPointer {
            let e = layout[s]
            let bytes = UnsafeRawBufferPointer(start: file.base! + e.offset, count: e.length)
            guard XXHash64.hash(bytes) == e.checksum else {
                throw VectorIndexError.corrupt(path, "\(s.name) section checksum mismatch")
            }
            return bytes
        }
        let centroidBytes = try verified(.centroids)
        let centroids = [Float](unsafeUninitializedCapacity: nlist * d) { buf, n in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: centroidBytes)
            n = nlist * d
        }
        guard centroids.allSatisfy(\.isFinite) else { throw VectorIndexError.corrupt(path, "centroids are not finite") }
        quantizer = CoarseQuantizer(centroids: centroids, dimension: d, metric: metric)
        let encoding = try Encodings.load(layout.encoding, dimension: d, subquantizers: layout.subquantizers, rotated: layout.rotated,
                                          centroids: centroids,
                                          parameters: verified(.encoding), file: path)
        self.encoding = encoding
        let dir = try verified(.directory)
        var r = ByteReader(dir.baseAddress!, count: dir.count, subject: path)
        var entries: [ListEntry] = []
        entries.reserveCapacity(nlist)
        var expectedFirst = 0, maxCount = 0
        for l in 0..<nlist {
            let e = ListEntry(firstRow: Int(try r.u64()), count: Int(try r.u64()), codesHash: try r.u64(),
                              idsHash: try r.u64(), vectorsHash: try r.u64())
            guard e.firstRow == expectedFirst, e.count <= layout.count - expectedFirst else {
                throw VectorIndexError.corrupt(path, "list directory entry \(l) is inconsistent")
            }
            expectedFirst += e.count
            maxCount = max(maxCount, e.count)
            entries.append(e)
        }
        guard expectedFirst == layout.count else { throw VectorIndexError.corrupt(path, "list directory does not cover \(layout.count) vectors") }
        var codeFirst = [Int]()
        codeFirst.reserveCapacity(nlist)
        var codeRows = 0
        for e in entries { codeFirst.append(codeRows); codeRows += layout.codeRows(ofList: e.count) }
        guard codeRows == layout.codeRows else { throw VectorIndexError.corrupt(path, "list directory does not cover the codes section") }
        self.codeFirst = codeFirst
        lists = entries
        verifier = ListVerifier(nlist: nlist)
        rowTerms = encoding.usesRowTerms(metric) ? RowTerms(nlist: nlist, rows: codeRows) : nil

        var delta = Delta(nlist: nlist)
        var logLength = 0, tornTail = 0
        let logPath = paths.log(version)
        if FileIO.exists(logPath) {
            let parsed = try DeltaLog.parse(FileIO.readFile(logPath), path: logPath, baseVersion: version, dimension: d, nlist: nlist)
            for record in parsed.records { delta.apply(record, encoding: encoding, dimension: d) }
            logLength = parsed.validLength
            tornTail = parsed.tornTailBytes
        }
        var deltaMax = 0
        for e in delta.entriesByList { deltaMax = max(deltaMax, e.count) }
        maxListCount = maxCount + deltaMax
        self.delta = delta
        self.logLength = logLength
        ignoredLogTailBytes = tornTail
        count = layout.count - delta.removedBaseRows + delta.liveCount
    }

    /// Bytes of the base file on disk.
    public var fileBytes: Int { file.size }

    /// Entries of the log since the base file (added vectors and removed base rows): what every open replays.
    public var logEntries: Int { delta.ids.count + delta.baseTombstones.count }

    // MARK: Verified access to list data (pointers stay inside the index's kernels)

    func codes(of list: Int) throws -> UnsafeRawPointer {
        let e = lists[list]
        let codeSize = encoding.codeSize
        let codes = file.base! + layout[.codes].offset + codeFirst[list] * codeSize
        if !verifier.isVerified(list, ListVerifier.codesAndIDs) {
            let ids = file.base! + layout[.ids].offset + e.firstRow * 8
            guard XXHash64.hash(base: codes, count: codeRows(of: list) * codeSize) == e.codesHash else {
                throw VectorIndexError.corrupt(path, "codes of list \(list) fail their checksum")
            }
            guard XXHash64.hash(base: ids, count: e.count * 8) == e.idsHash else {
                throw VectorIndexError.corrupt(path, "ids of list \(list) fail their checksum")
            }
            verifier.markVerified(list, ListVerifier.codesAndIDs)
        }
        return codes
    }

    /// Rows of `list` in the codes section (its vectors, plus padding to whole blocks in older pq4fs files).
    @inline(__always)
    func codeRows(of list: Int) -> Int { layout.codeRows(ofList: lists[list].count) }

    /// Ids of the base rows (little-endian i64, row order); valid after `codes(of:)` verified the list.
    var idsBase: UnsafePointer<Int64> { (file.base! + layout[.ids].offset).assumingMemoryBound(to: Int64.self) }

    func storedVectors(of list: Int) throws -> UnsafePointer<Float> {
        let e = lists[list]
        let p = file.base! + layout[.vectors].offset + e.firstRow * 4 * dimension
        if !verifier.isVerified(list, ListVerifier.vectors) {
            guard XXHash64.hash(base: p, count: e.count * 4 * dimension) == e.vectorsHash else {
                throw VectorIndexError.corrupt(path, "stored vectors of list \(list) fail their checksum")
            }
            verifier.markVerified(list, ListVerifier.vectors)
        }
        return p.assumingMemoryBound(to: Float.self)
    }

    /// The per-row scoring constants of `list` (whose verified codes are `codes`), computed on first use;
    /// nil when the encoding has none.
    @inline(__always)
    func rowTerms(of list: Int, codes: UnsafeRawPointer) -> UnsafePointer<Float>? {
        guard let rowTerms else { return nil }
        let rows = codeRows(of: list), codeSize = encoding.codeSize
        return rowTerms.terms(of: list, first: codeFirst[list]) { out in
            for r in 0..<rows { out[r] = encoding.rowTerm(codes + r * codeSize) }
        }
    }

    /// Verifies every list's codes, ids and stored vectors now (reads the whole file once), on `threads`
    /// workers, and computes the lists' per-row scoring constants while their codes are in cache (else
    /// the first search to probe a list does). Throws the first corruption found, naming the file and list.
    public func verify(threads: Int = 1) throws {
        let failure = Mutex<VectorIndexError?>(nil)
        Parallel.chunks(total: nlist, chunk: 16, threads: threads) { range, _ in
            for l in range {
                do {
                    _ = self.rowTerms(of: l, codes: try self.codes(of: l))
                    if self.storesVectors { _ = try self.storedVectors(of: l) }
                } catch let e as VectorIndexError {
                    failure.withLock { if $0 == nil { $0 = e } }
                } catch {}
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
    }
}
