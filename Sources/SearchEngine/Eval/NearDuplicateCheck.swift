import Crypto
import Embedding
import Foundation
import Imaging

/// One transformed copy and where its original ranked.
public struct NearDuplicateCase: Sendable {
    public var original: String
    public var originalID: String
    public var transform: ImageTransform
    /// 1-based rank of the original among the top `k` items, nil when it was not there.
    public var rank: Int?
    /// Id of the top result (nil when nothing came back).
    public var topID: String?
    /// Cosine of the copy to its original (nil when the original was not in the top k).
    public var originalScore: Double? = nil
    /// Cosine of the copy to the most similar *other* item (nil when none came back): what separates
    /// distinct photos, against which near-duplicate collapse's threshold is chosen.
    public var nearestOtherScore: Double? = nil
}

/// Rank-1 rate of one transform (or of all, `transform == nil`).
public struct NearDuplicateRow: Sendable {
    public var transform: ImageTransform?
    public var copies: Int
    /// Copies whose original came first.
    public var rank1: Int
    /// Copies whose original was in the top k.
    public var inTopK: Int
    /// Mean reciprocal rank of the original (0 when outside the top k).
    public var mrr: Double
    public var rank1Rate: Double { copies > 0 ? Double(rank1) / Double(copies) : 0 }
}

public struct NearDuplicateReport: Sendable {
    public var k: Int
    public var nprobe: Int
    public var cases: [NearDuplicateCase]
    /// Photos that could not be used (unreadable, or not in the index), with reasons.
    public var failures: [(String, String)]

    /// One row per transform (in ``ImageTransform`` order) and the overall row last.
    public var rows: [NearDuplicateRow] {
        var rows = ImageTransform.allCases.map { t in Self.row(t, cases.filter { $0.transform == t }) }.filter { $0.copies > 0 }
        rows.append(Self.row(nil, cases))
        return rows
    }

    static func row(_ transform: ImageTransform?, _ cases: [NearDuplicateCase]) -> NearDuplicateRow {
        NearDuplicateRow(transform: transform, copies: cases.count, rank1: cases.filter { $0.rank == 1 }.count,
                         inTopK: cases.filter { $0.rank != nil }.count,
                         mrr: cases.isEmpty ? 0 : cases.reduce(0) { $0 + ($1.rank.map { 1 / Double($0) } ?? 0) } / Double(cases.count))
    }
}

/// The near-duplicate benchmark: each photo of a folder is edited in memory with every
/// ``ImageTransform``, the copy is embedded and searched in the index (image-only, visual ranking), and
/// the rank of the original is recorded. Originals are found in the catalog by content hash (SHA-256 of
/// the file), so the index must have been built over the same files.
public enum NearDuplicateCheck {
    public static func run(photos: [String], engine: QueryEngine, encoder: ImageEncoder, k: Int = 10, nprobe: Int? = nil,
                           transforms: [ImageTransform] = ImageTransform.allCases) throws -> NearDuplicateReport {
        let nprobe = nprobe ?? engine.snapshot.defaultNprobe
        var report = NearDuplicateReport(k: k, nprobe: nprobe, cases: [], failures: [])
        for photo in photos {
            do {
                guard let data = FileManager.default.contents(atPath: photo) else { throw EvalError(photo, "cannot be read") }
                let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                guard let item = try engine.snapshot.catalog.item(contentHash: hash) else {
                    throw EvalError(photo, "is not in the index (no item with its content hash)")
                }
                let image = try ImageDecoder.decode(data: [UInt8](data), name: photo)
                let copies = try transforms.map { try ImageEncoder.modelInput($0.apply(image)) }
                let embeddings = try encoder.encode(modelInputs: copies)
                for (transform, embedding) in zip(transforms, embeddings) {
                    let results = try engine.hits(for: SearchRequest(image: .embedding(embedding.embedding),
                                                                      options: QueryOptions(k: k, nprobe: nprobe)))
                    let rank = results.firstIndex { $0.id == item.id }.map { $0 + 1 }
                    report.cases.append(NearDuplicateCase(original: photo, originalID: item.id, transform: transform, rank: rank,
                                                          topID: results.first?.id,
                                                          originalScore: results.first { $0.id == item.id }?.score,
                                                          nearestOtherScore: results.first { $0.id != item.id }?.score))
                }
            } catch {
                report.failures.append((photo, "\(error)"))
            }
        }
        return report
    }
}
