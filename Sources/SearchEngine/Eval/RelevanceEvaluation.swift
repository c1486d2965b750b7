import Catalog
import Embedding
import Foundation

/// The outcome of one query: its metrics and the ids it returned (best first, at most `k`).
public struct QueryEvaluation: Sendable {
    public var query: EvalQuery
    public var relevantCount: Int
    public var metrics: RankingMetrics
    public var results: [String]
}

/// A query that could not be run (unreadable image, no relevant item in the index for its labels).
public struct QueryFailure: Sendable {
    public var query: EvalQuery
    public var reason: String
}

/// All queries of a run and their means.
public struct RelevanceReport: Sendable {
    public var k: Int
    /// nprobe used for image queries (nil when the index has no visual part).
    public var nprobe: Int?
    public var evaluations: [QueryEvaluation]
    public var failures: [QueryFailure]
    /// Means over the evaluated queries (recall, precision, mAP, MRR, nDCG); nil when none ran.
    public var mean: RankingMetrics? { RankingMetrics.mean(evaluations.map(\.metrics)) }
}

/// Runs labelled queries against an index through the same path as `vsearch search` (image → visual
/// IVF with frames folded into videos; text → BM25 + MiniLM; both → RRF) and scores the rankings.
public struct RelevanceEvaluator {
    public let engine: QueryEngine

    public init(engine: QueryEngine) {
        self.engine = engine
    }

    public func run(_ queries: [EvalQuery], options: RelevanceEvalOptions) throws -> RelevanceReport {
        precondition(options.k >= 1, "k must be at least 1")
        let labelIndex = queries.contains { if case .labels = $0.relevance { true } else { false } } ? try labelledItems() : [:]
        let snapshot = engine.snapshot
        let nprobe = snapshot.visual.map { options.exhaustive ? $0.nlist : (options.nprobe ?? snapshot.defaultNprobe) }
        var report = RelevanceReport(k: options.k, nprobe: nprobe, evaluations: [], failures: [])
        for query in queries {
            let judgments: RelevanceJudgments
            switch query.relevance {
            case .judged(let j): judgments = j
            case .labels(let labels):
                var ids = Set<String>()
                for label in labels { ids.formUnion(labelIndex[Self.normalise(label)] ?? []) }
                if query.hasExplicitID { ids.remove(query.id) }
                judgments = RelevanceJudgments(relevant: ids)
            }
            var effective = judgments
            if query.hasExplicitID, judgments.grades[query.id] != nil {
                effective = RelevanceJudgments(grades: judgments.grades.filter { $0.key != query.id })
            }
            guard effective.relevantCount > 0 else {
                report.failures.append(QueryFailure(query: query, reason: "no relevant item in the index (labels matched nothing, or only the query itself)"))
                continue
            }
            do {
                let ranked = try rank(query, depth: options.k + (query.hasExplicitID ? 1 : 0), nprobe: nprobe, fusion: options.fusion)
                let results = Array(ranked.filter { !(query.hasExplicitID && $0 == query.id) }.prefix(options.k))
                let metrics = RankingMetrics(ranked: results, judgments: effective, k: options.k)!
                report.evaluations.append(QueryEvaluation(query: query, relevantCount: effective.relevantCount, metrics: metrics, results: results))
            } catch {
                report.failures.append(QueryFailure(query: query, reason: "\(error)"))
            }
        }
        return report
    }

    /// Item ids of the ranking for `query`, best first.
    func rank(_ query: EvalQuery, depth: Int, nprobe: Int?, fusion: ReciprocalRankFusion = ReciprocalRankFusion()) throws -> [String] {
        if let image = query.image {
            guard engine.models.image != nil else { throw EvalError(image, "no image encoder loaded") }
            guard engine.snapshot.visual != nil else { throw EvalError(engine.snapshot.versionDirectory, "has no visual index for image queries") }
        }
        let request = SearchRequest(image: query.image.map { .file(path: $0) }, text: query.text, options: QueryOptions(k: depth, fusion: fusion, nprobe: nprobe))
        return try engine.hits(for: request).map(\.id)
    }

    /// Lower-cased label → ids of the items carrying it as a user tag or an auto-tag (each comma-separated
    /// name of an ImageNet class counts on its own).
    func labelledItems() throws -> [String: Set<String>] {
        let catalog = engine.snapshot.catalog
        let keys = try catalog.keys(matching: CatalogFilter(kinds: Set(ItemKind.allCases))) ?? []
        var index: [String: Set<String>] = [:]
        for chunk in Array(keys).evalChunks(500) {
            for item in try catalog.items(keys: chunk).values {
                var names = Set(item.tags.map(Self.normalise))
                for tag in item.autoTags {
                    names.insert(Self.normalise(tag.label))
                    for part in tag.label.split(separator: ",") { names.insert(Self.normalise(String(part))) }
                }
                for name in names where !name.isEmpty { index[name, default: []].insert(item.id) }
            }
        }
        return index
    }

    static func normalise(_ label: String) -> String { label.trimmingCharacters(in: .whitespaces).lowercased() }
}

fileprivate extension Array {
    func evalChunks(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
