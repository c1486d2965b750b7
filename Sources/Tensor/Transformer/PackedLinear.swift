import Parallelism
import CTransformerKernels

extension TransformerKernels {
    /// A dense layer's weights stored once as fp16 panels for ``linear(rows:input:weights:output:accumulate:threads:)``
    /// (as ONNX Runtime pre-packs its GEMM weights): half the bytes of fp32 — MiniLM's six layers take
    /// 21 MB, which fits this machine's 32 MB L3, where fp32 (42 MB) streams from DRAM on every call.
    /// Products are accumulated in fp32; rounding the weights to fp16 moves MiniLM's sentence embeddings
    /// by a cosine of less than 1e-6 (the reference test requires ≥ 0.9999).
    ///
    /// Layout: panels of 16 output columns, each `inFeatures × 16` contiguous:
    /// `halves[(p·inFeatures + j)·16 + i]` = binary16 bits of `weight[16p + i, j]` (0 where `16p + i ≥ outFeatures`).
    public struct PackedWeights: Sendable {
        public let inFeatures: Int
        public let outFeatures: Int
        public let halves: [UInt16]

        /// Number of 16-column panels.
        public var panelCount: Int { (outFeatures + 15) / 16 }

        /// Packs `weight` (`outFeatures × inFeatures` row-major, PyTorch `nn.Linear` layout), rounding
        /// each value to the nearest fp16 (ties to even; beyond ±65504 to ±infinity) and flushing fp16
        /// subnormals (|w| < 6.1e-5) to zero: widening a subnormal half takes a microcode assist on
        /// x86 (measured: a 10× slower forward pass at 2,048 tokens, where MiniLM has 11,433 such
        /// weights); zeroing them moves MiniLM's embeddings by a cosine of 3e-7.
        public init(weight: UnsafePointer<Float>, outFeatures n: Int, inFeatures k: Int) {
            let panelCount = (n + 15) / 16
            var halves = [UInt16](repeating: 0, count: panelCount * k * 16)
            for p in 0..<panelCount {
                for i in 0..<16 where 16 * p + i < n {
                    let row = weight + (16 * p + i) * k
                    for j in 0..<k {
                        let half = Float16(row[j])
                        halves[(p * k + j) * 16 + i] = half.isSubnormal ? 0 : half.bitPattern
                    }
                }
            }
            self.inFeatures = k
            self.outFeatures = n
            self.halves = halves
        }

        /// The fp32 value the kernels use for `weight[row, column]` (the fp16-rounded weight, or 0).
        public func value(row: Int, column: Int) -> Float {
            Float(Float16(bitPattern: halves[(row / 16 * inFeatures + column) * 16 + row % 16]))
        }
    }

    /// Instruction sets of the dense-layer kernel (`CTransformerKernels`).
    public enum KernelISA: Int32, Sendable, CaseIterable {
        case portable = 0, avx2 = 1, avx512 = 2

        /// The best one this CPU runs (cpuid, checked once): AVX-512 where present, else AVX2+FMA+F16C.
        public static let best = KernelISA(rawValue: vs_best_isa()) ?? .portable

        public var isSupported: Bool { vs_isa_supported(rawValue) != 0 }
    }

    /// `output[rows, out] (+)= input[rows, in] · weightᵀ` with fp16-packed weights (any row count).
    ///
    /// - Parameters:
    ///   - input: `rows × inFeatures` row-major; output: `rows × outFeatures` row-major.
    ///   - accumulate: when true the product is added to what `output` holds (a residual), else it
    ///     overwrites it. The bias is not applied here: the fused `layerNorm(bias:)` / `biasGELU` /
    ///     `addBias` that follow add it in the same pass over the data.
    ///   - threads: the output columns are split between this many threads when the product is large
    ///     enough to pay for it: the members of `team` if given (persistent threads, microsecond
    ///     hand-offs: a one-sentence forward pass is 24 products of ~0.1 ms), else Dispatch workers.
    ///   - isa: the kernel variant (default: the best this CPU supports; tests pin each one).
    /// Each output value is the same sequence of FMAs over the input features whatever the row count,
    /// the thread count or the variant (AVX2 or AVX-512), so a sentence embeds identically alone or in a batch.
    public static func linear(rows m: Int, input: UnsafePointer<Float>, weights: PackedWeights,
                              output: UnsafeMutablePointer<Float>, accumulate: Bool, threads: Int = 1,
                              team: WorkerTeam? = nil, isa: KernelISA = .best) {
        let k = weights.inFeatures, n = weights.outFeatures, panels = weights.panelCount
        // Below ~2 MFLOP a second thread costs more (wake-up) than it saves.
        let parts = m * n * k < 1 << 20 ? 1 : max(1, min(threads, panels))
        weights.halves.withUnsafeBufferPointer { halves in
            if parts == 1 {
                vs_linear_f16(isa.rawValue, m, k, n, input, k, halves.baseAddress!, 0, panels, output, n, accumulate ? 1 : 0)
                return
            }
            // Each part writes its own disjoint column range of `output`.
            let base = halves.baseAddress!
            let run = { (range: Range<Int>) in
                vs_linear_f16(isa.rawValue, m, k, n, input, k, base, range.lowerBound, range.upperBound, output, n,
                              accumulate ? 1 : 0)
            }
            if let team, team.size > 1 { team.split(panels, run) } else { Parallel.split(panels, parts: parts, run) }
        }
    }
}
