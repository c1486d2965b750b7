import Foundation
import VectorIndex

/// Seeded random vectors for index tests, in the spirit of the team's `synth_vectors.py` benchmark tool:
/// a Gaussian mixture of unit-norm centres with uneven weights (Gamma(2,1)-like), noise with a power-law
/// spectrum (variance of direction i ∝ i^-alpha in a random orthonormal basis, total variance sigma²),
/// each point normalised. Same arguments → same values on every platform.
public struct RandomVectors: Sendable {
    /// The product's SplitMix64 (`VectorIndex.SplitMix64`) with the samplers these helpers need.
    public struct Generator: RandomNumberGenerator, Sendable {
        var source: SplitMix64
        public init(seed: UInt64) { source = SplitMix64(seed: seed) }
        public mutating func next() -> UInt64 { source.next() }
        public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1.0p-53 }
        /// Standard normal (Box–Muller).
        public mutating func normal() -> Float {
            Float((-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()))
        }
    }

    public let dimension: Int
    public let centers: [Float]
    let weights: [Double]
    let basis: [Float]
    let scales: [Float]

    public init(dimension d: Int, centers k: Int, sigma: Float = 1, alpha: Float = 1, seed: UInt64 = 1234) {
        var g = Generator(seed: seed)
        dimension = d
        var c = (0..<(k * d)).map { _ in g.normal() }
        for r in 0..<k { Self.normalise(&c, row: r, d: d) }
        centers = c
        // Gamma(2,1) = sum of two exponentials.
        var w = (0..<k).map { _ in -log(g.uniform()) - log(g.uniform()) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        weights = w
        let spec = (1...d).map { pow(Float($0), -alpha) }
        let specSum = spec.reduce(0, +)
        scales = spec.map { sigma * ($0 / specSum).squareRoot() }
        // Random orthonormal basis: Gram–Schmidt on Gaussian rows.
        var q = (0..<(d * d)).map { _ in g.normal() }
        for r in 0..<d {
            for p in 0..<r {
                var dot: Float = 0
                for j in 0..<d { dot += q[r * d + j] * q[p * d + j] }
                for j in 0..<d { q[r * d + j] -= dot * q[p * d + j] }
            }
            Self.normalise(&q, row: r, d: d)
        }
        basis = q
    }

    static func normalise(_ x: inout [Float], row r: Int, d: Int) {
        var s: Float = 0
        for j in 0..<d { s += x[r * d + j] * x[r * d + j] }
        let inv = 1 / max(s.squareRoot(), 1e-20)
        for j in 0..<d { x[r * d + j] *= inv }
    }

    /// `n` points (`n × dimension`, row-major) from stream `stream` (use different streams for base and queries).
    public func sample(_ n: Int, stream: UInt64) -> [Float] {
        let d = dimension
        var g = Generator(seed: 0xC0FFEE &+ stream &* 0x9E37_79B9)
        var cumulative: [Double] = []
        var acc = 0.0
        for w in weights { acc += w; cumulative.append(acc) }
        var out = [Float](repeating: 0, count: n * d)
        var noise = [Float](repeating: 0, count: d)
        for i in 0..<n {
            let u = g.uniform() * acc
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let m = (lo + hi) / 2; if cumulative[m] < u { lo = m + 1 } else { hi = m } }
            for j in 0..<d { noise[j] = g.normal() * scales[j] }
            for j in 0..<d { out[i * d + j] = centers[lo * d + j] }
            for p in 0..<d where noise[p] != 0 {
                let s = noise[p]
                for j in 0..<d { out[i * d + j] += s * basis[p * d + j] }
            }
            Self.normalise(&out, row: i, d: d)
        }
        return out
    }

    /// Uniform Gaussian vectors (not normalised), for edge-case tests.
    public static func gaussian(_ n: Int, dimension d: Int, seed: UInt64) -> [Float] {
        var g = Generator(seed: seed)
        return (0..<(n * d)).map { _ in g.normal() }
    }
}
