import Foundation
import SearchEngine

/// Tables and JSON lines of `vsearch eval` and `vsearch drift`.
enum EvalOutput {
    static func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        s.count >= width ? s : (left ? s + String(repeating: " ", count: width - s.count) : String(repeating: " ", count: width - s.count) + s)
    }
    /// A JSON number (finite values only; others become null).
    static func n(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
    /// Like `n`, but whole numbers (counts) without a fraction.
    static func count(_ x: Double) -> String { x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : n(x) }

    static func printRelevance(_ report: RelevanceReport, json: Bool) {
        let k = report.k
        if json {
            for e in report.evaluations {
                let m = e.metrics
                print("{\"query\":\(JSONText.string(e.query.id)),\"line\":\(e.query.line),\"k\":\(k),\"relevant\":\(e.relevantCount),"
                      + "\"first_relevant_rank\":\(m.firstRelevantRank.map(String.init) ?? "null"),\"recall\":\(n(m.recall)),"
                      + "\"precision\":\(n(m.precision)),\"ap\":\(n(m.averagePrecision)),\"rr\":\(n(m.reciprocalRank)),"
                      + "\"ndcg\":\(n(m.ndcg)),\"results\":[\(e.results.map(JSONText.string).joined(separator: ","))]}")
            }
            let mean = report.mean
            print("{\"summary\":true,\"queries\":\(report.evaluations.count),\"failed\":\(report.failures.count),\"k\":\(k),"
                  + "\"nprobe\":\(report.nprobe.map(String.init) ?? "null"),\"recall\":\(mean.map { n($0.recall) } ?? "null"),"
                  + "\"precision\":\(mean.map { n($0.precision) } ?? "null"),\"map\":\(mean.map { n($0.averagePrecision) } ?? "null"),"
                  + "\"mrr\":\(mean.map { n($0.reciprocalRank) } ?? "null"),\"ndcg\":\(mean.map { n($0.ndcg) } ?? "null")}")
            return
        }
        let width = max(8, min(40, report.evaluations.map(\.query.id.count).max() ?? 8))
        print(pad("query", width, left: true) + "  first  " + ["recall@\(k)", "prec@\(k)", "AP@\(k)", "nDCG@\(k)"].map { pad($0, 9) }.joined(separator: " ") + "  relevant")
        for e in report.evaluations {
            let m = e.metrics
            print(pad(String(e.query.id.prefix(width)), width, left: true) + "  " + pad(m.firstRelevantRank.map(String.init) ?? "-", 5) + "  "
                  + [m.recall, m.precision, m.averagePrecision, m.ndcg].map { pad(f($0), 9) }.joined(separator: " ") + "  " + pad("\(e.relevantCount)", 8))
        }
        if let mean = report.mean {
            print("mean over \(report.evaluations.count) queries (\(report.failures.count) failed), k=\(k)"
                  + (report.nprobe.map { ", nprobe=\($0)" } ?? "") + ": recall@\(k) \(f(mean.recall))  precision@\(k) \(f(mean.precision))  "
                  + "mAP@\(k) \(f(mean.averagePrecision))  MRR \(f(mean.reciprocalRank))  nDCG@\(k) \(f(mean.ndcg))")
        } else {
            print("no query could be evaluated (\(report.failures.count) failed)")
        }
    }

    static func printNearDuplicates(_ report: NearDuplicateReport, json: Bool) {
        let rows = report.rows
        if json {
            for c in report.cases {
                print("{\"original\":\(JSONText.string(c.original)),\"id\":\(JSONText.string(c.originalID)),\"transform\":\"\(c.transform.rawValue)\","
                      + "\"rank\":\(c.rank.map(String.init) ?? "null"),\"top\":\(c.topID.map(JSONText.string) ?? "null"),"
                      + "\"original_score\":\(c.originalScore.map { n($0) } ?? "null"),\"nearest_other_score\":\(c.nearestOtherScore.map { n($0) } ?? "null")}")
            }
            for r in rows {
                let name = r.transform.map { "\"\($0.rawValue)\"" } ?? "\"all\""
                let head = r.transform == nil ? "{\"summary\":true,\"photos\":\(Set(report.cases.map(\.original)).count),\"failed\":\(report.failures.count),\"k\":\(report.k),\"nprobe\":\(report.nprobe)," : "{"
                print(head + "\"transform\":\(name),\"copies\":\(r.copies),\"rank1\":\(r.rank1),\"rank1_rate\":\(n(r.rank1Rate)),"
                      + "\"in_top_k\":\(r.inTopK),\"mrr\":\(n(r.mrr))}")
            }
            return
        }
        print(pad("transform", 20, left: true) + pad("copies", 8) + pad("rank-1", 8) + pad("rate", 8) + pad("top-\(report.k)", 8) + pad("MRR", 8))
        for r in rows {
            print(pad(r.transform?.rawValue ?? "all", 20, left: true) + pad("\(r.copies)", 8) + pad("\(r.rank1)", 8) + pad(f(r.rank1Rate), 8)
                  + pad("\(r.inTopK)", 8) + pad(f(r.mrr), 8))
        }
    }

    static func printANN(_ report: ANNCheckReport, saved: Bool, json: Bool) {
        let best = report.recommended
        if json {
            for r in report.rows { print("{\"nprobe\":\(r.nprobe),\"recall\":\(n(r.recall)),\"qps\":\(n(r.qps))}") }
            print("{\"summary\":true,\"vectors\":\(report.vectors),\"nlist\":\(report.nlist),\"queries\":\(report.queries),\"k\":\(report.k),"
                  + "\"target_recall\":\(n(report.targetRecall)),\"recommended_nprobe\":\(best.map { String($0.nprobe) } ?? "null"),"
                  + "\"recommended_recall\":\(best.map { n($0.recall) } ?? "null"),\"exact_qps\":\(n(report.exactQPS)),\"saved\":\(saved)}")
            return
        }
        print("\(report.vectors) vectors, \(report.nlist) lists, \(report.queries) sampled queries, recall@\(report.k) against exact search")
        print(pad("nprobe", 8) + pad("recall@\(report.k)", 12) + pad("QPS", 12))
        for r in report.rows { print(pad("\(r.nprobe)", 8) + pad(f(r.recall, 4), 12) + pad(f(r.qps, 0), 12)) }
        print(pad("exact", 8) + pad("1.0000", 12) + pad(f(report.exactQPS, 0), 12))
        if let best {
            print("recommended nprobe \(best.nprobe) (recall@\(report.k) \(f(best.recall, 4)) ≥ \(report.targetRecall))" + (saved ? "; saved as the index default" : ""))
        } else {
            print("no measured nprobe reaches recall \(report.targetRecall)")
        }
    }

    static func printDrift(_ report: DriftReport, json: Bool) {
        if json {
            let metrics = report.metrics.map { "\"\($0.0)\":\(count($0.1))" }.joined(separator: ",")
            print("{\(metrics),\"retrain\":\(report.retrain),\"reasons\":[\(report.reasons.map(JSONText.string).joined(separator: ","))]}")
            return
        }
        print("reference \(report.referenceCount) vectors (trained-on base), current \(report.currentCount) vectors, \(report.nlist) lists")
        print("distance to nearest centroid: PSI \(f(report.distancePSI)) over \(report.distanceBins) bins (noise bound \(f(report.distanceNoiseBound))); "
              + "mean \(f(report.referenceMeanDistance, 4)) → \(f(report.currentMeanDistance, 4))")
        print("list occupancy: PSI \(f(report.occupancyPSI)) over \(report.occupancyBins) groups (noise bound \(f(report.occupancyNoiseBound)))")
        print("KS on \(report.projections) random projections: max D \(f(report.ksMaxStatistic)), min p \(String(format: "%.2g", report.ksMinPValue)), "
              + "rejected \(report.ksRejectedBonferroni) (Bonferroni), \(report.ksRejectedBH) (Benjamini–Hochberg)")
        print("list sizes: largest/mean \(f(report.listSkew, 2)), Gini \(f(report.listGini)), empty \(f(report.emptyListFraction * 100, 1))%")
        print(report.retrain ? "retrain: yes — " + report.reasons.joined(separator: "; ") : "retrain: no")
    }
}
