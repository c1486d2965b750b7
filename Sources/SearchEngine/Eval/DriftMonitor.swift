import Foundation
import VectorIndex

/// What a drift check measured and whether it calls for retraining the coarse quantizer.
public struct DriftReport: Sendable {
    /// Vectors on each side (after sampling).
    public var referenceCount: Int
    public var currentCount: Int
    public var nlist: Int
    /// PSI of the distance to the nearest centroid (quantile bins of the reference), its bins and the
    /// PSI sampling noise alone would exceed with probability `ksAlpha`.
    public var distancePSI: Double
    public var distanceBins: Int
    public var distanceNoiseBound: Double
    /// Mean distance to the nearest centroid on each side (cosine distance for ip, squared L2 for l2).
    public var referenceMeanDistance: Double
    public var currentMeanDistance: Double
    /// PSI of list occupancy (lists grouped into bins of about equal reference share) and its noise bound.
    public var occupancyPSI: Double
    public var occupancyBins: Int
    public var occupancyNoiseBound: Double
    /// KS over random projections: the largest statistic, the smallest p-value, how many reject at
    /// Bonferroni level `ksAlpha / projections`, and how many Benjamini–Hochberg rejects at FDR `ksAlpha`.
    public var projections: Int
    public var ksMaxStatistic: Double
    public var ksMinPValue: Double
    public var ksRejectedBonferroni: Int
    public var ksRejectedBH: Int
    /// Live list sizes of the whole index: largest / mean, Gini coefficient, share of empty lists.
    public var listSkew: Double
    public var listGini: Double
    public var emptyListFraction: Double
    public var retrain: Bool
    /// Why (empty when no retrain is called for).
    public var reasons: [String]

    /// The figures by snake_case name, as written to `drift.json` and exported on `/metrics`.
    public var metrics: [(String, Double)] {
        [("reference_vectors", Double(referenceCount)), ("current_vectors", Double(currentCount)), ("nlist", Double(nlist)),
         ("distance_psi", distancePSI), ("distance_psi_noise_bound", distanceNoiseBound),
         ("reference_mean_distance", referenceMeanDistance), ("current_mean_distance", currentMeanDistance),
         ("occupancy_psi", occupancyPSI), ("occupancy_psi_noise_bound", occupancyNoiseBound),
         ("ks_projections", Double(projections)), ("ks_max_statistic", ksMaxStatistic), ("ks_min_p_value", ksMinPValue),
         ("ks_rejected_bonferroni", Double(ksRejectedBonferroni)), ("ks_rejected_bh", Double(ksRejectedBH)),
         ("list_size_max_over_mean", listSkew), ("list_size_gini", listGini), ("empty_list_fraction", emptyListFraction)]
    }
}

/// Embedding drift between the vectors the coarse quantizer was trained on and newer ones.
///
/// **Reference**: the live vectors of the visual index's base file — the population the k-means sample
/// was drawn from when the index was built or last retrained (`add` only appends to the log; nothing
/// compacts without retraining). **Current**: the vectors appended to the log since (or the embeddings
/// of a given folder).
///
/// Measures (each side sampled to at most `maxSample`, seeded):
/// - **Distance to the nearest centroid**, PSI over 10 quantile bins of the reference. The reference is
///   measured *leave-one-out*: centroids are recomputed as the mean (normalised, for inner product) of
///   each list's base vectors, and a base vector is measured against its own list's mean without it —
///   otherwise vectors the centroids were fitted on look closer than any new vector ever can, and a
///   small index would always look drifted. Current vectors are measured against the full means.
/// - **List occupancy**, PSI over groups of lists of about equal reference share (same nearest-mean rule).
/// - **KS** on `projections` random unit-direction marginals, Bonferroni at `ksAlpha` for the decision.
/// - **List size skew** of the whole index (largest/mean, Gini): reported; a trigger only with `maxListSkew`.
///
/// Memory: every live vector is read out once (`count × dimension × 4` bytes) to form the list means.
///
/// Retrain is called for when a PSI exceeds both `psiThreshold` and its sampling-noise bound (for the
/// distance PSI only when the current vectors are farther from the centroids on average), when any
/// projection's KS test rejects at `ksAlpha / projections`, or when the skew passes `maxListSkew`.
public enum DriftMonitor {
    /// Compares the index's reference with `current` (`n × dimension` values), or with the vectors added
    /// since training when `current` is nil.
    public static func check(_ index: IVFIndex, current given: [Float]? = nil, options: DriftOptions = DriftOptions(),
                             threads: Int = 1) throws -> DriftReport {
        let table = try index.liveVectors(threads: threads)
        let d = table.dimension
        if let given, given.count % d != 0 {
            throw EvalError("embeddings", "\(given.count) values are not a whole number of \(d)-d vectors")
        }
        var rng = SplitMix64(seed: options.seed)
        let baseRows = (0..<table.count).filter { table.inBaseFile[$0] }
        let addedRows = (0..<table.count).filter { !table.inBaseFile[$0] }
        let referenceRows = Array(baseRows.shuffled(using: &rng).prefix(options.maxSample)).sorted()
        var current: [Float] = []
        if let given {
            let n = given.count / d
            for r in Array((0..<n).shuffled(using: &rng).prefix(options.maxSample)).sorted() { current += given[(r * d)..<((r + 1) * d)] }
        } else {
            for r in Array(addedRows.shuffled(using: &rng).prefix(options.maxSample)).sorted() { current += table.vectors[(r * d)..<((r + 1) * d)] }
        }
        let nCurrent = current.count / d
        // List means and member counts from every base vector.
        let nlist = index.nlist
        var sums = [Double](repeating: 0, count: nlist * d)
        var members = [Int](repeating: 0, count: nlist)
        for r in baseRows {
            let l = Int(table.lists[r])
            members[l] += 1
            for j in 0..<d { sums[l * d + j] += Double(table.vectors[r * d + j]) }
        }
        let ip = index.metric == .innerProduct
        let means = (0..<nlist).map { l -> [Double]? in
            guard members[l] > 0 else { return nil }
            return centre(Array(sums[(l * d)..<((l + 1) * d)]), count: members[l], normalise: ip)
        }
        // Reference: leave-one-out distances; current: against the full means.
        var referenceDistances: [Double] = [], referenceLists: [Int] = []
        for r in referenceRows {
            let x = table.vectors[(r * d)..<((r + 1) * d)].map(Double.init)
            let own = Int(table.lists[r])
            var looMean: [Double]?
            if members[own] > 1 {
                var s = Array(sums[(own * d)..<((own + 1) * d)])
                for j in 0..<d { s[j] -= x[j] }
                looMean = centre(s, count: members[own] - 1, normalise: ip)
            }
            let (list, distance) = nearest(x, means: means, replacing: own, with: looMean, ip: ip)
            referenceDistances.append(distance)
            referenceLists.append(list)
        }
        var currentDistances: [Double] = [], currentLists: [Int] = []
        for i in 0..<nCurrent {
            let x = current[(i * d)..<((i + 1) * d)].map(Double.init)
            let (list, distance) = nearest(x, means: means, replacing: nil, with: nil, ip: ip)
            currentDistances.append(distance)
            currentLists.append(list)
        }
        let sizes = index.listSizes
        let meanSize = Double(sizes.reduce(0, +)) / Double(max(1, sizes.count))
        var report = DriftReport(referenceCount: referenceRows.count, currentCount: nCurrent, nlist: nlist,
                                 distancePSI: 0, distanceBins: 0, distanceNoiseBound: .infinity,
                                 referenceMeanDistance: mean(referenceDistances), currentMeanDistance: mean(currentDistances),
                                 occupancyPSI: 0, occupancyBins: 0, occupancyNoiseBound: .infinity,
                                 projections: 0, ksMaxStatistic: 0, ksMinPValue: 1, ksRejectedBonferroni: 0, ksRejectedBH: 0,
                                 listSkew: meanSize > 0 ? Double(sizes.max() ?? 0) / meanSize : 0,
                                 listGini: DriftStatistics.gini(sizes),
                                 emptyListFraction: Double(sizes.filter { $0 == 0 }.count) / Double(max(1, sizes.count)),
                                 retrain: false, reasons: [])
        let smaller = min(referenceRows.count, nCurrent)
        if smaller >= 2 {
            let bins = max(2, min(options.maxBins, smaller / 10))
            // Distance to the nearest centroid.
            let edges = DriftStatistics.quantileEdges(referenceDistances, bins: bins)
            report.distanceBins = edges.count + 1
            report.distancePSI = DriftStatistics.psi(expected: DriftStatistics.histogram(referenceDistances, edges: edges),
                                                     actual: DriftStatistics.histogram(currentDistances, edges: edges))
            report.distanceNoiseBound = DriftStatistics.psiNoiseBound(bins: report.distanceBins, referenceCount: referenceRows.count,
                                                                      currentCount: nCurrent, alpha: options.ksAlpha)
            // List occupancy, lists grouped (in list order) into bins of about equal reference share.
            let group = occupancyGroups(referenceLists: referenceLists, nlist: nlist, bins: bins)
            let groups = (group.max() ?? 0) + 1
            var expected = [Int](repeating: 0, count: groups), actual = expected
            for l in referenceLists { expected[group[l]] += 1 }
            for l in currentLists { actual[group[l]] += 1 }
            report.occupancyBins = groups
            report.occupancyPSI = DriftStatistics.psi(expected: expected, actual: actual)
            report.occupancyNoiseBound = DriftStatistics.psiNoiseBound(bins: groups, referenceCount: referenceRows.count,
                                                                       currentCount: nCurrent, alpha: options.ksAlpha)
            // KS on random projections.
            let reference = referenceRows.flatMap { table.vectors[($0 * d)..<(($0 + 1) * d)] }
            var pValues: [Double] = []
            for _ in 0..<max(1, options.projections) {
                let direction = randomDirection(d, using: &rng)
                let ks = DriftStatistics.kolmogorovSmirnov(project(reference, on: direction), project(current, on: direction))
                report.ksMaxStatistic = max(report.ksMaxStatistic, ks.statistic)
                pValues.append(ks.pValue)
            }
            report.projections = pValues.count
            report.ksMinPValue = pValues.min() ?? 1
            report.ksRejectedBonferroni = pValues.filter { $0 < options.ksAlpha / Double(pValues.count) }.count
            report.ksRejectedBH = DriftStatistics.benjaminiHochbergRejections(pValues, q: options.ksAlpha)
        }
        // One-sided: new vectors sitting *closer* to the centroids (for example copies of trained-on
        // items) change the distribution but do not make the quantizer fit worse.
        if report.distancePSI > options.psiThreshold && report.distancePSI > report.distanceNoiseBound
            && report.currentMeanDistance > report.referenceMeanDistance {
            report.reasons.append(String(format: "distance-to-centroid PSI %.3f > %.3f (noise bound %.3f)", report.distancePSI,
                                         options.psiThreshold, report.distanceNoiseBound))
        }
        if report.occupancyPSI > options.psiThreshold && report.occupancyPSI > report.occupancyNoiseBound {
            report.reasons.append(String(format: "list-occupancy PSI %.3f > %.3f (noise bound %.3f)", report.occupancyPSI,
                                         options.psiThreshold, report.occupancyNoiseBound))
        }
        if report.ksRejectedBonferroni > 0 {
            report.reasons.append("KS rejects \(report.ksRejectedBonferroni) of \(report.projections) projections at \(options.ksAlpha)/\(report.projections) (min p \(String(format: "%.2g", report.ksMinPValue)))")
        }
        if let limit = options.maxListSkew, report.listSkew > limit {
            report.reasons.append(String(format: "largest list is %.1f× the mean (> %.1f)", report.listSkew, limit))
        }
        report.retrain = !report.reasons.isEmpty
        return report
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    static func centre(_ sum: [Double], count: Int, normalise: Bool) -> [Double] {
        var c = sum.map { $0 / Double(count) }
        if normalise {
            let norm = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { c = c.map { $0 / norm } }
        }
        return c
    }

    /// The nearest mean and the distance to it (ip: 1 − x·c; l2: ‖x − c‖²), with list `replacing`'s
    /// mean swapped for `with` (its leave-one-out mean; nil: the list is skipped).
    static func nearest(_ x: [Double], means: [[Double]?], replacing: Int?, with replacement: [Double]?, ip: Bool) -> (Int, Double) {
        var best = -1, bestDistance = Double.infinity
        for (l, m) in means.enumerated() {
            guard let c = (l == replacing ? replacement : m) else { continue }
            var s = 0.0
            if ip {
                for j in 0..<x.count { s += x[j] * c[j] }
                s = 1 - s
            } else {
                for j in 0..<x.count { let t = x[j] - c[j]; s += t * t }
            }
            if s < bestDistance { best = l; bestDistance = s }
        }
        return (max(0, best), bestDistance.isFinite ? bestDistance : 0)
    }

    /// Bin of each list: lists taken in order and cut into about `bins` groups of equal reference share.
    static func occupancyGroups(referenceLists: [Int], nlist: Int, bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: nlist)
        for l in referenceLists { counts[l] += 1 }
        let total = Double(max(1, referenceLists.count))
        var group = [Int](repeating: 0, count: nlist)
        var cumulative = 0, current = 0
        for l in 0..<nlist {
            group[l] = current
            cumulative += counts[l]
            if current < bins - 1, Double(cumulative) >= Double(current + 1) * total / Double(bins) { current += 1 }
        }
        return group
    }

    static func randomDirection(_ d: Int, using rng: inout SplitMix64) -> [Float] {
        // Box–Muller normals give a uniformly random direction once normalised.
        var v = (0..<d).map { _ -> Double in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / norm }
        return v.map(Float.init)
    }

    static func project(_ rows: [Float], on direction: [Float]) -> [Double] {
        let d = direction.count
        return (0..<(rows.count / d)).map { i in
            var s: Float = 0
            for j in 0..<d { s += rows[i * d + j] * direction[j] }
            return Double(s)
        }
    }
}
