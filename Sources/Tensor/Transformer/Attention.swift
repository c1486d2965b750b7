import CTransformerKernels

extension TransformerKernels {
    /// Floats of scratch ``selfAttention(length:heads:headWidth:qkv:qkvStride:output:outputStride:scores:isa:)``
    /// needs for a sequence of `length` tokens.
    public static func attentionScratchCount(length: Int, headWidth: Int) -> Int {
        max(length * length, vs_self_attention_scratch(length, headWidth))
    }

    /// Multi-head scaled dot-product self-attention over one sequence, all positions valid.
    ///
    /// Padding is handled by the caller packing each sequence's real tokens only (no mask needed): this
    /// equals BERT's additive mask of `Float.min` on padded keys, whose softmax weight underflows to 0.
    /// With AVX-512 one C kernel does every head (`CTransformerKernels/attention.c`: 4 query rows at a
    /// time, softmax in registers); otherwise two BLAS GEMMs and a softmax pass per head.
    ///
    /// - Parameters:
    ///   - length: tokens in the sequence (`L`).
    ///   - heads: number of heads; `headWidth` = their width (`hidden = heads × headWidth`).
    ///   - qkv: `L` rows of stride `qkvStride`: query at column 0, key at `hidden`, value at `2·hidden`,
    ///     each `hidden` wide with head `h` at columns `h·headWidth ..< (h+1)·headWidth`.
    ///   - output: `L` rows of stride `outputStride`; head `h`'s context goes to its head columns.
    ///   - scores: scratch of at least ``attentionScratchCount(length:headWidth:)`` floats.
    ///   - isa: `.avx512` for the C kernel (when supported), anything else for the BLAS path.
    public static func selfAttention(
        length: Int, heads: Int, headWidth: Int,
        qkv: UnsafePointer<Float>, qkvStride: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int,
        scores: UnsafeMutablePointer<Float>, isa: KernelISA = .best
    ) {
        if isa == .avx512, isa.isSupported {
            vs_self_attention_avx512(length, heads, headWidth, qkv, qkvStride, output, outputStride, scores)
            return
        }
        let hidden = heads * headWidth
        let scale = 1 / Float(headWidth).squareRoot()
        for h in 0..<heads {
            let query = qkv + h * headWidth
            let key = qkv + hidden + h * headWidth
            let value = qkv + 2 * hidden + h * headWidth
            // scores[L, L] = scale · Q_h · K_hᵀ
            BLAS.gemm(transposeB: true, m: length, n: length, k: headWidth, alpha: scale,
                      a: query, lda: qkvStride, b: key, ldb: qkvStride, c: scores, ldc: length)
            softmax(rows: length, count: length, stride: length, data: scores)
            // context_h[L, headWidth] = P · V_h
            BLAS.gemm(m: length, n: headWidth, k: length,
                      a: scores, lda: length, b: value, ldb: qkvStride,
                      c: output + h * headWidth, ldc: outputStride)
        }
    }
}
