/// The separable resize kernel: a vertical pass, then a horizontal pass, both in 14-bit fixed point with
/// an 8-bit intermediate (Pillow's scheme, with `Int16` weights; see `ResampleCoefficients`).
///
/// Vertical first is deliberate: it walks whole source rows and accumulates `row[i] · w` over contiguous
/// bytes, which the compiler vectorises (all three channels at once), and it leaves the horizontal pass —
/// which cannot be vectorised as easily — only the few output rows. The passes compute just the requested
/// output window (so "resize then centre crop" never resizes the cropped-away parts) and only the source
/// columns that window reads. Scratch buffers are allocated once per call, never per pixel.
enum Resampler {
    /// Resizes `image` to `outputWidth`×`outputHeight` and returns only the window
    /// `x0..<x0+windowWidth`, `y0..<y0+windowHeight` of that result.
    static func resample(
        _ image: Image, outputWidth: Int, outputHeight: Int,
        window: (x: Int, y: Int, width: Int, height: Int), filter: ResizeFilter
    ) -> Image {
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        precondition(window.x >= 0 && window.y >= 0 && window.width > 0 && window.height > 0
                     && window.x + window.width <= outputWidth && window.y + window.height <= outputHeight,
                     "window \(window) outside \(outputWidth)x\(outputHeight)")
        let horizontal = ResampleCoefficients(inputSize: image.width, outputSize: outputWidth,
                                              window: window.x..<(window.x + window.width), filter: filter)
        let vertical = ResampleCoefficients(inputSize: image.height, outputSize: outputHeight,
                                            window: window.y..<(window.y + window.height), filter: filter)
        let columns = horizontal.sourceRange
        let middle = verticalPass(image, coefficients: vertical, columns: columns)
        let output = horizontalPass(middle, width: columns.count, rows: window.height,
                                    coefficients: horizontal, columnOffset: columns.lowerBound)
        return Image(width: window.width, height: window.height, pixels: output)
    }

    /// For each output row, a weighted sum of source rows over source columns `columns`.
    /// Returns `rows × columns.count × 3` bytes.
    ///
    /// Written as plain loops over contiguous bytes that the compiler vectorises. The arithmetic is `Float`
    /// because baseline x86-64 (SSE2) has no fast 32-bit integer multiply; taps are taken two at a time to
    /// halve the accumulator's memory traffic, and the final float→byte conversion uses the 1.5·2²³ trick
    /// (adding it leaves the rounded integer in the low mantissa bits), which vectorises where `Int(_:)`'s
    /// range check would not.
    static func verticalPass(_ image: Image, coefficients: ResampleCoefficients, columns: Range<Int>) -> [UInt8] {
        let rows = coefficients.firstSource.count
        let span = columns.count * 3
        let sourceStride = image.width * 3
        let one = ResampleCoefficients.one
        let scale = 1 / Float(one)
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: max(span, 1))
        defer { accumulator.deallocate() }
        return [UInt8](unsafeUninitializedCapacity: rows * span) { out, count in
            image.pixels.withUnsafeBufferPointer { source in
                coefficients.weights.withUnsafeBufferPointer { weights in
                    let base = source.baseAddress! + columns.lowerBound * 3
                    for row in 0..<rows {
                        let first = coefficients.firstSource[row]
                        let taps = coefficients.tapCount[row]
                        let w = weights.baseAddress! + row * coefficients.tapStride
                        let destination = out.baseAddress! + row * span
                        if taps == 1 && Int32(w[0]) == one {
                            destination.update(from: base + first * sourceStride, count: span)
                            continue
                        }
                        let row0 = base + first * sourceStride
                        let w0 = Float(w[0]) * scale
                        for i in 0..<span { accumulator[i] = Float(row0[i]) * w0 }
                        var k = 1
                        while k + 1 < taps {
                            let a = base + (first + k) * sourceStride, b = a + sourceStride
                            let wa = Float(w[k]) * scale, wb = Float(w[k + 1]) * scale
                            for i in 0..<span { accumulator[i] += Float(a[i]) * wa + Float(b[i]) * wb }
                            k += 2
                        }
                        if k < taps {
                            let a = base + (first + k) * sourceStride
                            let wa = Float(w[k]) * scale
                            for i in 0..<span { accumulator[i] += Float(a[i]) * wa }
                        }
                        for i in 0..<span {
                            let clamped = min(max(accumulator[i], 0), 255) + 12_582_912
                            destination[i] = UInt8(truncatingIfNeeded: clamped.bitPattern)
                        }
                    }
                }
            }
            count = rows * span
        }
    }

    /// For each row of `middle` (`width` pixels, RGB), a weighted sum of neighbouring pixels per output column.
    static func horizontalPass(
        _ middle: [UInt8], width: Int, rows: Int, coefficients: ResampleCoefficients, columnOffset: Int
    ) -> [UInt8] {
        let outputWidth = coefficients.firstSource.count
        let half = ResampleCoefficients.one >> 1
        let shift = ResampleCoefficients.precisionBits
        @inline(__always) func clip(_ v: Int32) -> UInt8 { UInt8(truncatingIfNeeded: min(max(v >> shift, 0), 255)) }
        return [UInt8](unsafeUninitializedCapacity: rows * outputWidth * 3) { out, count in
            middle.withUnsafeBufferPointer { source in
                coefficients.weights.withUnsafeBufferPointer { weights in
                    coefficients.firstSource.withUnsafeBufferPointer { firsts in
                        coefficients.tapCount.withUnsafeBufferPointer { counts in
                            for row in 0..<rows {
                                let sourceRow = source.baseAddress! + row * width * 3
                                let destination = out.baseAddress! + row * outputWidth * 3
                                for x in 0..<outputWidth {
                                    let p = sourceRow + (firsts[x] - columnOffset) * 3
                                    let w = weights.baseAddress! + x * coefficients.tapStride
                                    var r = half, g = half, b = half
                                    for k in 0..<counts[x] {
                                        let wk = Int32(w[k])
                                        r &+= Int32(p[3 * k]) &* wk
                                        g &+= Int32(p[3 * k + 1]) &* wk
                                        b &+= Int32(p[3 * k + 2]) &* wk
                                    }
                                    destination[3 * x] = clip(r)
                                    destination[3 * x + 1] = clip(g)
                                    destination[3 * x + 2] = clip(b)
                                }
                            }
                        }
                    }
                }
            }
            count = rows * outputWidth * 3
        }
    }
}
