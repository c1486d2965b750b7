#if canImport(Glibc)
import Glibc
#endif

/// The single writer of an index directory (an exclusive `flock` on `DIR/LOCK` while it lives).
///
/// - `build` writes a new version from a vector source.
/// - `add` / `remove` append one record each to the current version's log and fsync it before
///   returning (durable). Readers see them after opening again.
/// - `compact` (and `retrain`, which also re-runs k-means) write a new version containing exactly the
///   live vectors and publish it atomically: base file to a temp name, fsync, rename, fsync dir, then
///   the manifest the same way; files of older versions are deleted after the manifest switch (readers
///   holding them mapped keep working).
///
/// Crash safety: the manifest always names a complete version; a torn last log record is ignored by
/// readers and truncated by the next writer; leftovers of an interrupted publish are removed when a
/// writer opens.
public final class IVFIndexWriter {
    public let directory: String
    let paths: IndexPaths
    /// Writes pq4fs lists padded to whole blocks, as files before `IVFFileLayout.compactTails` were (tests
    /// of reading those files).
    var padsFastScanLists = false
    private let lock: DirectoryLock
    private var current: IVFIndex?
    private var stale = false
    /// What opening this writer repaired: a torn log tail it cut (a crash left it). Callers report these
    /// as warnings; nothing acknowledged was lost.
    public private(set) var repairs: [LogRepair] = []

    /// Opens (creating if needed) `directory` for writing. Waits for another writer when `wait` is true,
    /// otherwise throws a `.locked` error.
    public init(directory: String, wait: Bool = true) throws {
        try FileIO.makeDirectory(directory)
        self.directory = directory
        paths = IndexPaths(directory: directory)
        lock = try DirectoryLock(directory: directory, wait: wait)
        if FileIO.exists(paths.manifest) {
            let manifest = try paths.readManifest()
            try removeLeftovers(keeping: manifest.version)
            let index = try IVFIndex(paths: paths, version: manifest.version)
            try repairLogTail(index)
            current = index
        } else {
            try removeLeftovers(keeping: nil)
        }
    }

    /// The index as of the last write (reopened lazily after `add`/`remove`).
    public func index() throws -> IVFIndex {
        guard let c = current else { throw VectorIndexError.io(directory, "is not a vector index yet (build it first)") }
        if stale {
            current = try IVFIndex(paths: paths, version: c.version)
            stale = false
        }
        return current!
    }

    // MARK: Build

    /// Builds a new version from `source` (ids: `ids[row]`, or the row numbers) and publishes it.
    @discardableResult
    public func build(from source: some VectorSource, ids: [Int64]? = nil, options: IVFBuildOptions) throws -> IVFBuildReport {
        let n = source.count, d = source.dimension
        guard n > 0 else { throw VectorIndexError.badInput("vectors", "there are no vectors to index") }
        if let ids, ids.count != n { throw VectorIndexError.badInput("ids", "\(ids.count) ids for \(n) vectors") }
        if let given = options.centroids {
            guard !given.isEmpty, given.count % d == 0 else {
                throw VectorIndexError.badInput("centroids", "\(given.count) values are not a whole number of \(d)-d centroids")
            }
            guard given.allSatisfy(\.isFinite) else { throw VectorIndexError.badInput("centroids", "a value is not a finite number") }
        }
        let nlist = options.centroids.map { $0.count / d } ?? min(n, options.nlist ?? IVFBuildOptions.defaultNlist(count: n))
        guard nlist >= 1 else { throw VectorIndexError.badInput("nlist", "must be at least 1") }
        let clock = ContinuousClock()
        let t0 = clock.now
        var kmeans = KMeans(clusters: nlist, metric: options.metric, iterations: options.iterations, seed: options.seed,
                            threads: options.threads)
        kmeans.maxPointsPerCluster = options.trainingPointsPerList
        let sample = kmeans.sample(source)
        let centroids = options.centroids ?? kmeans.train(sample: sample, dimension: d)
        let m = options.encoding.isProductQuantized ? (options.pqSubquantizers ?? EncodingChoice.defaultSubquantizers(options.encoding, dimension: d)) : 0
        if let problem = options.encoding.subquantizerProblem(dimension: d, subquantizers: m) {
            throw VectorIndexError.badInput("pq-m", problem)
        }
        let encoding = Encodings.train(options.encoding, dimension: d, sample: sample, centroids: centroids, metric: options.metric,
                                       subquantizers: m, rotate: options.pqRotation && options.encoding.isProductQuantized,
                                       seed: options.seed, threads: options.threads)
        let t1 = clock.now
        let quantizer = CoarseQuantizer(centroids: centroids, dimension: d, metric: options.metric)
        let assignment = quantizer.assign(source, range: 0..<n, threads: options.threads)
        let version = try publish(source: source, ids: ids, centroids: centroids, encoding: encoding, metric: options.metric,
                                  storeVectors: options.storeVectors && !encoding.isExact, assignment: assignment,
                                  threads: options.threads)
        let t2 = clock.now
        return IVFBuildReport(vectors: n, nlist: nlist, trainSeconds: (t1 - t0).seconds, addSeconds: (t2 - t1).seconds,
                              bytes: try index().fileBytes, version: version)
    }

    /// Writes `v<next>.ivf` and switches the manifest to it.
    @discardableResult
    private func publish(source: some VectorSource, ids: [Int64]?, centroids: [Float], encoding: any VectorEncoding,
                         metric: Metric, storeVectors: Bool, assignment: [Int32], threads: Int) throws -> UInt64 {
        let version = (current?.version ?? 0) + 1
        let final = paths.base(version)
        let tmp = final + ".tmp"
        var writer = IVFFileWriter()
        writer.threads = threads
        writer.padsFastScanLists = padsFastScanLists
        do {
            try writer.write(.init(dimension: source.dimension, metric: metric, centroids: centroids, encoding: encoding,
                                   storeVectors: storeVectors, indexVersion: version, assignment: assignment, ids: ids),
                             source: source, to: tmp)
            try FileIO.rename(tmp, final)
            try FileIO.fsyncDirectory(directory)
            try FileIO.writeAtomically(Manifest(version: version).bytes(), to: paths.manifest)
        } catch {
            FileIO.remove(tmp)
            throw error
        }
        let old = current?.version
        current = try IVFIndex(paths: paths, version: version)
        stale = false
        if let old {
            FileIO.remove(paths.base(old))
            FileIO.remove(paths.log(old))
        }
        return version
    }

    // MARK: Mutations

    /// Adds vectors (`ids.count × dimension` values, row-major) to the current version's log; durable on
    /// return. Ids are the caller's: `add` does not look them up (that would need an id map of the whole
    /// base), so adding an id that is already live keeps both copies until one is removed. Every add is
    /// replayed by each open, so call `compact()` when the log grows large.
    public func add(_ vectors: [Float], ids: [Int64]) throws {
        let index = try self.index()
        let d = index.dimension
        guard vectors.count == ids.count * d else {
            throw VectorIndexError.badInput("vectors", "\(vectors.count) values for \(ids.count) ids of dimension \(d)")
        }
        guard vectors.allSatisfy(\.isFinite) else { throw VectorIndexError.badInput("vectors", "contain a value that is not finite") }
        guard !ids.isEmpty else { return }
        let lists = index.quantizer.assign(try ArrayVectors(vectors, dimension: d), range: 0..<ids.count, threads: 1)
        try append(.add(ids: ids, lists: lists, vectors: vectors), to: index)
    }

    /// Removes every vector with one of `ids` (tombstones in the log; space is reclaimed by `compact`).
    /// Returns how many live vectors were removed. Durable on return. Costs one pass over the base
    /// file's ids (8 bytes per vector) to count the rows it removes.
    @discardableResult
    public func remove(_ ids: [Int64]) throws -> Int {
        let index = try self.index()
        let set = Set(ids)
        // Base rows are counted only for ids not tombstoned before; an added copy of an id whose base
        // row is already tombstoned (removed, then added again) is still removed by the record.
        let newInBase = set.subtracting(index.delta.baseTombstones)
        var baseRows = 0
        let idp = index.idsBase
        if !newInBase.isEmpty {
            for l in 0..<index.nlist where index.lists[l].count > 0 {
                _ = try index.codes(of: l)  // verifies the list's ids
                let e = index.lists[l]
                for r in e.firstRow..<(e.firstRow + e.count) where newInBase.contains(Int64(littleEndian: idp[r])) { baseRows += 1 }
            }
        }
        var deltaRows = 0
        for entries in index.delta.entriesByList {
            for e in entries where set.contains(index.delta.ids[Int(e)]) { deltaRows += 1 }
        }
        guard baseRows + deltaRows > 0 else { return 0 }
        try append(.remove(ids: Array(set).sorted(), newlyRemovedBaseRows: baseRows), to: index)
        return baseRows + deltaRows
    }

    private func append(_ record: DeltaLog.Record, to index: IVFIndex) throws {
        let logPath = paths.log(index.version)
        if !FileIO.exists(logPath) {
            try FileIO.writeAtomically(DeltaLog.header(baseVersion: index.version, dimension: index.dimension), to: logPath)
        }
        let file = try WritableFile(appending: logPath)
        defer { file.close() }
        try file.write(DeltaLog.encode(record), at: try file.size())
        try file.sync()
        stale = true
    }

    /// Truncates a torn tail left by a crash, so appends start on a record boundary.
    private func repairLogTail(_ index: IVFIndex) throws {
        let logPath = paths.log(index.version)
        guard FileIO.exists(logPath) else { return }
        let file = try WritableFile(appending: logPath)
        defer { file.close() }
        let size = try file.size()
        if size > index.logLength {
            try file.truncate(to: index.logLength)
            try file.sync()
            let repair = LogRepair(path: logPath, validLength: index.logLength, removedBytes: size - index.logLength)
            repairs.append(repair)
            RepairWarnings.report(repair.description)
        }
    }

    /// Deletes temp files and files of versions other than `keeping` (left by an interrupted publish).
    private func removeLeftovers(keeping: UInt64?) throws {
        for name in try FileIO.listDirectory(directory) {
            let isTemp = name.contains(".tmp")
            let isVersion = name.hasPrefix("v") && (name.hasSuffix(".ivf") || name.hasSuffix(".log"))
            guard isTemp || isVersion else { continue }
            if !isTemp, let keeping, name == "v\(keeping).ivf" || name == "v\(keeping).log" { continue }
            FileIO.remove(directory + "/" + name)
        }
    }

    // MARK: Compaction

    /// Writes a new version holding exactly the live vectors (same centroids and encoding), dropping
    /// tombstoned rows and folding the log into the lists.
    /// Compacts (see ``compact(threads:)``) when the log holds at least `minimumEntries` entries and more
    /// than `fraction` of the base file's rows: every open replays the whole log into memory, so without
    /// this each write's reopen would grow slower and larger with the number of writes. Returns whether
    /// it compacted.
    @discardableResult
    public func compactIfLogIsLarge(minimumEntries: Int = 4096, fraction: Double = 0.25, threads: Int = 1) throws -> Bool {
        let index = try self.index()
        let entries = index.logEntries
        guard entries >= minimumEntries, Double(entries) > fraction * Double(max(1, index.count)) else { return false }
        try compact(threads: threads)
        return true
    }

    public func compact(threads: Int = 1) throws {
        let index = try self.index()
        let live = try LiveVectors(index, threads: threads)
        try publish(source: live, ids: live.ids, centroids: index.quantizer.centroids, encoding: index.encoding,
                    metric: index.metric, storeVectors: index.storesVectors, assignment: live.lists, threads: threads)
    }

    /// Re-runs k-means (and encoding training) on the live vectors and writes a new version; `encoding`
    /// (and `pqSubquantizers`, `pqRotation`) switch the encoding, otherwise the index keeps its own (a PQ
    /// index keeps its OPQ rotation, retrained, unless `pqRotation` says otherwise).
    public func retrain(nlist: Int? = nil, iterations: Int = 12, seed: UInt64 = 1234, threads: Int = 1,
                        encoding newEncoding: EncodingKind? = nil, pqSubquantizers: Int? = nil, pqRotation: Bool? = nil) throws {
        let index = try self.index()
        let kind = newEncoding ?? index.encodingKind
        let rotate = kind.isProductQuantized && (pqRotation ?? (kind == index.encodingKind && index.hasPQRotation))
        let m = !kind.isProductQuantized ? 0
            : pqSubquantizers ?? (kind == index.encodingKind ? index.subquantizers : EncodingChoice.defaultSubquantizers(kind, dimension: index.dimension))
        if let problem = kind.subquantizerProblem(dimension: index.dimension, subquantizers: m) {
            throw VectorIndexError.badInput("pq-m", problem)
        }
        let live = try LiveVectors(index, threads: threads)
        guard live.count > 0 else { throw VectorIndexError.badInput(directory, "has no live vectors to train on") }
        let k = min(live.count, nlist ?? IVFBuildOptions.defaultNlist(count: live.count))
        var kmeans = KMeans(clusters: k, metric: index.metric, iterations: iterations, seed: seed, threads: threads)
        kmeans.maxPointsPerCluster = 64
        let sample = kmeans.sample(live)
        let centroids = kmeans.train(sample: sample, dimension: index.dimension)
        let encoding = Encodings.train(kind, dimension: index.dimension, sample: sample, centroids: centroids,
                                       metric: index.metric, subquantizers: m, rotate: rotate, seed: seed, threads: threads)
        let assignment = CoarseQuantizer(centroids: centroids, dimension: index.dimension, metric: index.metric)
            .assign(live, range: 0..<live.count, threads: threads)
        // Switching from flat (which stores no separate fp32 vectors) to a compressed encoding keeps them.
        let store = index.storesVectors || (index.encodingKind == .flat && !encoding.isExact)
        try publish(source: live, ids: live.ids, centroids: centroids, encoding: encoding, metric: index.metric,
                    storeVectors: store && !encoding.isExact, assignment: assignment, threads: threads)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
