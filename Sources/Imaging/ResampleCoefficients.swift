/// Fixed-point filter weights for one axis of a resize: for each output index in a window, the first
/// source index it reads, how many taps, and the weights (sum ≈ 1 << `precisionBits`).
///
/// The geometry is Pillow's (`precompute_coeffs`): output pixel `i` is centred on source coordinate
/// `(i + 0.5) · scale`; the filter is stretched by `max(scale, 1)`; weights are normalised to sum to 1 and
/// rounded to 14-bit fixed point stored as `Int16`. 14 bits (Pillow uses 22) keeps every product a
/// 16×16-bit one, which x86's baseline SSE2 does 4–8 lanes at a time (`pmaddwd`) where a 32-bit multiply
/// needs emulation; the rounding error stays below 0.1 of a level.
struct ResampleCoefficients {
    static let precisionBits: Int32 = 14
    static let one: Int32 = 1 << precisionBits

    /// First source index read by each output index of the window.
    let firstSource: [Int]
    /// Number of taps for each output index.
    let tapCount: [Int]
    /// `tapStride` weights per output index (unused tail zero).
    let weights: [Int16]
    let tapStride: Int

    /// Coefficients for output indices `window` of a resize from `inputSize` to `outputSize` samples.
    init(inputSize: Int, outputSize: Int, window: Range<Int>, filter: ResizeFilter) {
        precondition(inputSize > 0 && outputSize > 0, "resize axis \(inputSize) -> \(outputSize)")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var firsts = [Int](), counts = [Int](), weights = [Int16](repeating: 0, count: window.count * stride)
        firsts.reserveCapacity(window.count)
        counts.reserveCapacity(window.count)
        var real = [Double](repeating: 0, count: stride)
        for (slot, output) in window.enumerated() {
            let center = (Double(output) + 0.5) * scale
            var first = max(Int(center - support + 0.5), 0)
            var last = min(Int(center + support + 0.5), inputSize)  // exclusive
            var total = 0.0
            for k in 0..<(last - first) {
                let w = filter.weight((Double(k + first) - center + 0.5) / filterScale)
                real[k] = w
                total += w
            }
            if total == 0 {  // cannot happen with the filters above; keep the nearest sample rather than black
                real[max(0, min(Int(center) - first, last - first - 1))] = 1
                total = 1
            }
            // Trim zero weights at both ends (they cost multiplications and change nothing).
            var lead = 0
            while lead < last - first - 1, real[lead] == 0 { lead += 1 }
            var tail = last - first
            while tail > lead + 1, real[tail - 1] == 0 { tail -= 1 }
            let base = slot * stride
            for k in lead..<tail {
                let w = total != 0 ? real[k] / total : 0
                // Round half away from zero, as Pillow's normalize_coeffs_8bpc.
                weights[base + k - lead] = Int16(w < 0 ? -0.5 + w * Double(Self.one) : 0.5 + w * Double(Self.one))
            }
            last = first + tail
            first += lead
            firsts.append(first)
            counts.append(last - first)
        }
        self.firstSource = firsts
        self.tapCount = counts
        self.weights = weights
        self.tapStride = stride
    }

    /// Source indices `[lowest first, highest end)` touched by the window.
    var sourceRange: Range<Int> {
        var low = Int.max, high = 0
        for i in firstSource.indices {
            low = min(low, firstSource[i])
            high = max(high, firstSource[i] + tapCount[i])
        }
        return low < high ? low..<high : 0..<0
    }
}
