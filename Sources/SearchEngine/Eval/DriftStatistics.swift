import Foundation

/// The statistics behind `vsearch drift`: PSI with quantile bins and a sample-size-aware noise bound,
/// the two-sample Kolmogorov–Smirnov test, Benjamini–Hochberg, and the Gini coefficient.
public enum DriftStatistics {
    /// Proportions below this are replaced by it before taking logarithms (an empty bin would make PSI
    /// infinite); the usual convention in PSI tools.
    public static let psiFloor = 1e-4

    /// Population Stability Index of two binned distributions given as counts over the same bins:
    /// PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), with eᵢ the expected (reference) share of bin i and aᵢ the actual
    /// (current) share, each floored at ``psiFloor``. It is the symmetrised Kullback–Leibler divergence;
    /// the usual reading is < 0.1 stable, 0.1–0.25 some shift, > 0.25 (often 0.2) a major shift.
    public static func psi(expected: [Int], actual: [Int]) -> Double {
        precondition(expected.count == actual.count, "PSI needs the same bins on both sides")
        let ne = Double(max(1, expected.reduce(0, +))), na = Double(max(1, actual.reduce(0, +)))
        var sum = 0.0
        for (e, a) in zip(expected, actual) {
            let pe = max(Double(e) / ne, psiFloor), pa = max(Double(a) / na, psiFloor)
            sum += (pa - pe) * log(pa / pe)
        }
        return sum
    }

    /// The PSI that sampling noise alone exceeds with probability `alpha` when both samples come from
    /// one population: for small differences PSI ≈ Σ (aᵢ − eᵢ)² / pᵢ, and with sample sizes n and m,
    /// n·m/(n+m) · PSI is approximately χ²(bins − 1) distributed (the G-test relation of PSI; see
    /// Potgieter et al. 2023, "The Population Resemblance Statistic"). A fixed threshold alone would call
    /// every small sample drifted.
    public static func psiNoiseBound(bins: Int, referenceCount n: Int, currentCount m: Int, alpha: Double) -> Double {
        guard bins >= 2, n > 0, m > 0 else { return .infinity }
        let effective = Double(n) * Double(m) / Double(n + m)
        return chiSquareQuantile(1 - alpha, degreesOfFreedom: Double(bins - 1)) / effective
    }

    /// Bin edges at the reference's quantiles `j/bins` (j = 1 … bins−1); equal edges collapse, so heavy
    /// ties give fewer bins. A value `v` falls in bin `#edges ≤ v`… i.e. the first edge greater than it.
    public static func quantileEdges(_ reference: [Double], bins: Int) -> [Double] {
        let sorted = reference.sorted()
        guard bins >= 2, !sorted.isEmpty else { return [] }
        var edges: [Double] = []
        for j in 1..<bins {
            let edge = sorted[min(sorted.count - 1, (j * sorted.count) / bins)]
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// Counts of `values` in the bins delimited by `edges` (bin i holds `edges[i−1] ≤ v < edges[i]`).
    public static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for v in values {
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            counts[lo] += 1
        }
        return counts
    }

    /// Two-sample Kolmogorov–Smirnov: D = sup |F₁(x) − F₂(x)| and its asymptotic p-value
    /// Q_KS((√nₑ + 0.12 + 0.11/√nₑ) · D), nₑ = n·m/(n+m), Q_KS(λ) = 2 Σⱼ₌₁^∞ (−1)^{j−1} e^{−2j²λ²}
    /// (Numerical Recipes, 3rd ed., §14.3.3; accurate from nₑ ≈ 4).
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 1) }
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        let ne = Double(x.count) * Double(y.count) / Double(x.count + y.count)
        let lambda = (ne.squareRoot() + 0.12 + 0.11 / ne.squareRoot()) * d
        return (d, kolmogorovQ(lambda))
    }

    /// Q_KS(λ) = 2 Σ (−1)^{j−1} exp(−2 j² λ²), 1 for λ below 0.2 (where the series is 1 to many digits).
    static func kolmogorovQ(_ lambda: Double) -> Double {
        guard lambda >= 0.2 else { return 1 }
        var sum = 0.0, sign = 1.0
        for j in 1...100 {
            let term = sign * exp(-2 * Double(j * j) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }

    /// How many of `pValues` Benjamini–Hochberg rejects at false-discovery rate `q`.
    public static func benjaminiHochbergRejections(_ pValues: [Double], q: Double) -> Int {
        let sorted = pValues.sorted()
        let m = Double(sorted.count)
        var rejected = 0
        for (i, p) in sorted.enumerated() where p <= Double(i + 1) / m * q { rejected = i + 1 }
        return rejected
    }

    /// Gini coefficient of non-negative sizes: 0 when all equal, → 1 when one holds everything.
    /// G = Σᵢ (2i − n − 1) · xᵢ / (n · Σ x) over the ascending sizes xᵢ, i = 1 … n.
    public static func gini(_ sizes: [Int]) -> Double {
        let total = Double(sizes.reduce(0, +))
        guard sizes.count > 1, total > 0 else { return 0 }
        let n = Double(sizes.count)
        var sum = 0.0
        for (i, x) in sizes.sorted().enumerated() { sum += (2 * Double(i + 1) - n - 1) * Double(x) }
        return sum / (n * total)
    }

    /// The standard normal quantile (bisection on `erfc`, to 1e-12).
    static func normalQuantile(_ p: Double) -> Double {
        var lo = -40.0, hi = 40.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// The χ²(ν) quantile by the Wilson–Hilferty cube approximation ν·(1 − 2/(9ν) + z·√(2/(9ν)))³
    /// (within about 1% for ν ≥ 1 at the upper tail used here).
    static func chiSquareQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        let z = normalQuantile(p)
        let c = 2 / (9 * nu)
        return nu * pow(max(0, 1 - c + z * c.squareRoot()), 3)
    }
}
