import Catalog
import Crypto
import Embedding
import Foundation
import VectorIndex

/// The complete segments of a distributed build's output folder (`OUT/segments/seg-*`, in name order,
/// which is input order), each verified against its manifest. Partial directories (`.seg-*.partial`)
/// are not segments and are ignored.
public struct SegmentSet: Sendable {
    public let directory: String
    /// Segment directories and their manifests, in input order.
    public let segments: [(path: String, manifest: SegmentManifest)]

    /// Lists and verifies the segments of `directory`. `expected`: the number of segments the input
    /// makes; fewer (or more) is a `.badInput` error naming the missing ones — a merge never runs on
    /// part of the input. `wholeSpills` false: the spills' sizes are checked but not their checksums (a
    /// merge checks each record it reads instead of reading every spill whole).
    public init(directory: String, expected: Int? = nil, wholeSpills: Bool = true) throws {
        self.directory = directory
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw IndexBuildError(.badInput, directory, "cannot list the segments folder (\(error.localizedDescription))")
        }
        let found = names.filter { $0.hasPrefix("seg-") }.sorted()
        segments = try found.map { name in
            let path = directory + "/" + name
            return (path, try SegmentManifest.verify(path, only: wholeSpills ? nil : SegmentManifest.smallFileNames))
        }
        if let expected {
            let wanted = Set((0..<expected).map(SegmentManifest.directoryName))
            let missing = wanted.subtracting(found).sorted()
            guard missing.isEmpty, found.count == expected else {
                throw IndexBuildError(.badInput, directory, "holds \(found.count) complete segments, expected \(expected)"
                                      + (missing.isEmpty ? "" : "; missing \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")"))
            }
        }
        let precisions = Set(segments.map(\.manifest.precision))
        guard precisions.count <= 1 else {
            throw IndexBuildError(.conflict, directory, "holds segments of different CNN precisions (\(precisions.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
    }

    /// The CNN precision of the segments' vectors (fp32 when there are none).
    public var precision: EncoderPrecision { segments.first?.manifest.precision ?? .fp32 }

    /// Vectors over all segments.
    public var vectorCount: Int { segments.reduce(0) { $0 + $1.manifest.vectors } }

    /// A digest of the segments' manifests (which checksum every file): two sets with the same digest
    /// hold the same bytes.
    public var digest: String {
        var hasher = SHA256()
        for segment in segments { hasher.update(data: segment.manifest.jsonBytes()) }
        return hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The slice report (`build-report.json`) of the segment at `directory`.
    public static func report(_ directory: String) throws -> BuildSummary {
        let path = directory + "/" + IndexDirectory.reportFileName
        do {
            return try JSONDecoder().decode(BuildSummary.self, from: Data(DurableFile.readAll(path, limit: 1 << 30)))
        } catch let error as IndexBuildError {
            throw error
        } catch {
            throw IndexBuildError(.corruptIndex, path, "is not a build report (\(error))")
        }
    }
}

/// One segment opened for reading: its catalog (read-only) and its mapped vectors, found through
/// `vector-ids.bin`; rows, text vectors and vector records are read only for the items asked for.
final class SegmentReader {
    let path: String
    let catalog: Catalog
    let vectors: SpilledVectors
    /// Spill rows of each item key, in frame order.
    private let rowsByKey: [ItemKey: [Int]]
    private let textDimension: Int

    init(path: String, manifest: SegmentManifest, textDimension: Int) throws {
        self.path = path
        self.textDimension = textDimension
        catalog = try Catalog(path: path + "/" + TextSearchIndex.catalogFileName, access: .readOnly(connections: 1))
        let spillPath = path + "/" + IndexBuilder.spillFileName
        let recordBytes = 8 + 4 * manifest.dimension + 8
        let fileBytes = manifest.files[IndexBuilder.spillFileName]?.bytes ?? 0
        guard (fileBytes - VectorSpill.headerSize) == manifest.vectors * recordBytes else {
            throw IndexBuildError(.corruptIndex, spillPath, "holds \(fileBytes) bytes, not the \(manifest.vectors) vectors its SEGMENT lists")
        }
        let idsPath = path + "/" + SegmentManifest.vectorIDsFileName
        let idBytes = try DurableFile.readAll(idsPath, limit: manifest.vectors * 8)
        guard idBytes.count == manifest.vectors * 8 else {
            throw IndexBuildError(.corruptIndex, idsPath, "holds \(idBytes.count) bytes, not the \(manifest.vectors) ids its SEGMENT lists")
        }
        let ids = idBytes.withUnsafeBytes { raw in (0..<manifest.vectors).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) } }
        vectors = try SpilledVectors(path: spillPath, dimension: manifest.dimension, count: manifest.vectors, ids: ids)
        var rows: [ItemKey: [Int]] = [:]
        for (row, id) in ids.enumerated() { rows[id >> 16, default: []].append(row) }
        rowsByKey = rows
    }

    /// Key, id and content hash of the segment's finished items (those whose vectors are all in the
    /// spill), in key order — input order.
    func identities() throws -> [ItemIdentity] {
        try catalog.identities().filter { rowsByKey[$0.key] != nil }
    }

    /// The items `keys` with their vectors from the spill (a video's frames with their timestamps, in
    /// frame order), their concept vectors and their MiniLM vectors, in the order of `keys`; each vector record is checked
    /// against its checksum as it is read.
    func embedded(_ keys: [ItemKey]) throws -> [(item: EmbeddedItem, text: [Float]?)] {
        let items = try catalog.items(keys: keys)
        let stored = try catalog.textVectors(model: TextSearchIndex.textModelName, dimension: textDimension, keys: keys)
        let text = stored.byKey
        // Catalog reads leave the concept vector out (``CatalogItem/conceptVector``); the merge carries it.
        let concepts = try catalog.conceptVectors(dimension: textDimension, keys: keys).byKey
        return try keys.map { key in
            guard var item = items[key], let rows = rowsByKey[key] else {
                throw IndexBuildError(.corruptIndex, path, "item key \(key) has no catalog row or no vectors")
            }
            item.conceptVector = concepts[key]
            var values: [Float] = []
            values.reserveCapacity(rows.count * vectors.dimension)
            for row in rows { values += try vectors.verifiedVector(row) }
            guard item.kind == .video else { return (EmbeddedItem(item: item, vectors: values, timestamps: nil), text[key]) }
            let byVectorID = Dictionary(try catalog.frames(videoID: item.id).map { ($0.vectorID, $0.timestamp) }, uniquingKeysWith: { a, _ in a })
            let timestamps = try rows.map { row in
                guard let t = byVectorID[vectors.ids[row]] else {
                    throw IndexBuildError(.corruptIndex, path, "video \(item.id) has a vector without a frame row")
                }
                return t
            }
            return (EmbeddedItem(item: item, vectors: values, timestamps: timestamps), text[key])
        }
    }

    /// The source path of item `key` (for reports and admission messages).
    func source(_ key: ItemKey) throws -> String {
        guard let item = try catalog.items(keys: [key])[key] else { throw IndexBuildError(.corruptIndex, path, "item key \(key) has no catalog row") }
        return item.source
    }
}
