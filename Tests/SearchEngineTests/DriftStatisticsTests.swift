import SearchEngine
import Testing

/// PSI, KS, Benjamini–Hochberg and Gini on cases worked by hand (arithmetic in the comments).
@Suite struct DriftStatisticsTests {
    @Test func psiOfThreeBins() {
        // shares e = (.5, .3, .2), a = (.3, .3, .4):
        // PSI = (.3 − .5)·ln(.3/.5) + 0 + (.4 − .2)·ln(.4/.2) = 0.2·0.5108256 + 0.2·0.6931472 = 0.2407946.
        #expect(abs(DriftStatistics.psi(expected: [50, 30, 20], actual: [30, 30, 40]) - 0.2407945608651872) < 1e-12)
        #expect(DriftStatistics.psi(expected: [5, 5], actual: [50, 50]) == 0)
    }

    @Test func kolmogorovSmirnovOfShiftedSamples() {
        // a = 1 2 3 4, b = 3 4 5 6: ECDF gaps at 1..6 are .25 .5 .5 .5 .25 0 → D = 0.5.
        // nₑ = 4·4/8 = 2, λ = (√2 + 0.12 + 0.11/√2)·0.5 = 0.8059977,
        // Q = 2(e^{−2λ²} − e^{−8λ²} + e^{−18λ²} …) = 2(0.2727463 − 0.0055379 + 0.0000002) = 0.5344157.
        let ks = DriftStatistics.kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6])
        #expect(ks.statistic == 0.5)
        #expect(abs(ks.pValue - 0.5344157192165071) < 1e-9)
        let same = DriftStatistics.kolmogorovSmirnov([1, 2, 3], [1, 2, 3])
        #expect(same.statistic == 0 && same.pValue == 1)
    }

    @Test func benjaminiHochbergAndGini() {
        // p sorted .001 .008 .039 .041 .2 against i/5 · .05 = .01 .02 .03 .04 .05: the largest i with
        // p(i) ≤ its bound is 2 (.039 > .03, .041 > .04, .2 > .05).
        #expect(DriftStatistics.benjaminiHochbergRejections([0.2, 0.039, 0.001, 0.041, 0.008], q: 0.05) == 2)
        // Equal sizes: 0. Sizes 0 0 0 4: Σ (2i − 5)·xᵢ = (8 − 5)·4 = 12; G = 12 / (4 · 4) = 0.75.
        #expect(DriftStatistics.gini([3, 3, 3, 3]) == 0)
        #expect(DriftStatistics.gini([0, 4, 0, 0]) == 0.75)
    }

    @Test func quantileBinsAndNoiseBound() {
        // 1…10 in 5 quantile bins: edges sorted[2], [4], [6], [8] = 3, 5, 7, 9 → two values per bin.
        let reference: [Double] = (1...10).map(Double.init)
        let edges = DriftStatistics.quantileEdges(reference, bins: 5)
        #expect(edges == [3, 5, 7, 9])
        #expect(DriftStatistics.histogram(reference, edges: edges) == [2, 2, 2, 2, 2])
        #expect(DriftStatistics.histogram([0, 100], edges: edges) == [1, 0, 0, 0, 1])
        // χ²₉ upper 1% point is 21.666 (tables); n = m = 100 → nₑ = 50 → bound ≈ 21.666/50 = 0.4333.
        let bound = DriftStatistics.psiNoiseBound(bins: 10, referenceCount: 100, currentCount: 100, alpha: 0.01)
        #expect(abs(bound - 21.666 / 50) < 0.01 * 21.666 / 50)
    }
}
