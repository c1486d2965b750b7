import Crypto
import Foundation
import VectorIndex

/// Stage 2 of a distributed build (`vsearch segment train`): the visual IVF's coarse quantizer, trained
/// once by k-means on a bounded sample of every segment's vectors (the same sample bound and seed as a
/// one-machine build), so that every shard's index shares it.
///
/// Output, in the build's output folder: `centroids.fvecs` (the `nlist × 1280` centroids, TEXMEX fvecs,
/// written atomically) and `centroids.json` (`nlist`, `dimension`, `vectors` sampled from, `segments`:
/// the ``SegmentSet/digest`` it was trained on, `sha256` of the fvecs file), written after it.
public enum SegmentTraining {
    public static let centroidsFileName = "centroids.fvecs"
    public static let recordFileName = "centroids.json"

    /// What `centroids.json` records.
    public struct Record: Codable, Sendable, Equatable {
        public var nlist: Int
        public var dimension: Int
        public var vectors: Int
        public var segments: String
        public var sha256: String
    }

    /// Trains the centroids on `set` and writes them into `directory` (unless centroids trained on the same
    /// segments with the same list count are there already). `nlist` nil: about 4·√(vectors per shard),
    /// the list count a one-machine build of one shard would choose.
    public static func train(_ set: SegmentSet, shards: Int, nlist: Int?, threads: Int, to directory: String) throws -> Record {
        let readers = try set.segments.map { try SegmentReader(path: $0.path, manifest: $0.manifest, textDimension: TextSearchIndex.textDimension) }
        let source = ConcatenatedVectors(parts: readers.map(\.vectors), dimension: readers.first?.vectors.dimension ?? 0)
        guard source.count > 0 else { throw IndexBuildError(.badInput, set.directory, "the segments hold no vectors to train on") }
        let lists = min(source.count, nlist ?? IVFBuildOptions.defaultNlist(count: max(1, source.count / max(1, shards))))
        // A rerun over the same segments: the centroids there are the ones this would train (same sample, same seed).
        if let existing = try? load(directory, for: set), existing.record.nlist == lists {
            return existing.record
        }
        var kmeans = KMeans(clusters: lists, metric: .innerProduct, threads: max(1, threads))
        kmeans.maxPointsPerCluster = max(8, min(64, IndexBuilder.trainingSampleLimit / max(1, lists)))
        let centroids = kmeans.train(source)
        let path = directory + "/" + centroidsFileName
        do { try VecsFormat.writeFvecs(centroids, dimension: source.dimension, to: path) } catch {
            throw IndexBuildError(.io, path, "cannot write the centroids (\(error))")
        }
        let record = Record(nlist: lists, dimension: source.dimension, vectors: source.count, segments: set.digest,
                            sha256: try SegmentManifest.sum(path).sha256)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.writeAtomically([UInt8](try encoder.encode(record)), to: directory + "/" + recordFileName)
        return record
    }

    /// The centroids in `directory`, checked against `centroids.json` (and, when given, trained on the
    /// segments `set`).
    public static func load(_ directory: String, for set: SegmentSet? = nil) throws -> (record: Record, centroids: [Float]) {
        let recordPath = directory + "/" + recordFileName, path = directory + "/" + centroidsFileName
        let record: Record
        do { record = try JSONDecoder().decode(Record.self, from: Data(DurableFile.readAll(recordPath, limit: 1 << 16))) } catch let error as IndexBuildError {
            throw error
        } catch {
            throw IndexBuildError(.corruptIndex, recordPath, "is not a centroids record (\(error))")
        }
        guard try SegmentManifest.sum(path).sha256 == record.sha256 else {
            throw IndexBuildError(.corruptIndex, path, "does not match its checksum in \(recordFileName)")
        }
        if let set, set.digest != record.segments {
            throw IndexBuildError(.conflict, path, "was trained on other segments than those in \(set.directory); run segment train again")
        }
        let file: FvecsFile
        do { file = try FvecsFile(path: path) } catch { throw IndexBuildError(.corruptIndex, path, "\(error)") }
        guard file.dimension == record.dimension, file.count == record.nlist else {
            throw IndexBuildError(.corruptIndex, path, "holds \(file.count) × \(file.dimension) values, not the \(record.nlist) × \(record.dimension) its record lists")
        }
        return (record, file.allVectors())
    }
}

/// Several vector sources read as one (rows of the first, then of the second, …).
struct ConcatenatedVectors: VectorSource, @unchecked Sendable {
    // @unchecked: the parts are read-only mappings.
    let parts: [SpilledVectors]
    let dimension: Int
    /// Row where each part starts, plus the total at the end.
    private let starts: [Int]

    init(parts: [SpilledVectors], dimension: Int) {
        self.parts = parts
        self.dimension = dimension
        var starts = [0]
        for part in parts { starts.append(starts.last! + part.count) }
        self.starts = starts
    }

    var count: Int { starts.last! }

    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "row range out of bounds")
        // The part holding the first row (the last part that starts at or before it).
        var part = 0
        while starts[part + 1] <= range.lowerBound { part += 1 }
        if range.upperBound <= starts[part + 1] {
            return try parts[part].withRows((range.lowerBound - starts[part])..<(range.upperBound - starts[part]), body)
        }
        // Rows spanning parts: copied into one contiguous block.
        var block = [Float](repeating: 0, count: range.count * dimension)
        for (k, row) in range.enumerated() {
            var p = 0
            while starts[p + 1] <= row { p += 1 }
            parts[p].withRows((row - starts[p])..<(row - starts[p] + 1)) { src, _ in
                block.withUnsafeMutableBufferPointer { dst in (dst.baseAddress! + k * dimension).update(from: src, count: dimension) }
            }
        }
        return try block.withUnsafeBufferPointer { try body($0.baseAddress!, dimension) }
    }
}
