// `--calibrate DIR`: chooses ``Int8Calibration`` (per 1×1 layer: an activation clip, or float32) by
// greedy search minimising the int8 embedding's error against float32 on calibration inputs generated
// deterministically from DIR's photos (each photo: the model's centre crop, its mirror image, and the
// four corner 224 crops of the 256 resize — 6 inputs a photo).
import Embedding
import Foundation
import Imaging
import Tensor

/// The calibration inputs of `files` (224×224 model inputs, 6 per photo).
func calibrationInputs(_ files: [String]) throws -> [Image] {
    var inputs: [Image] = []
    for path in files {
        let image = try ImageDecoder.decode(path: path, options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        let centre = ImageEncoder.modelInput(image)
        inputs.append(centre)
        inputs.append(mirrored(centre))
        let resized = image.resizedShorterSide(to: ImageEncoder.resizeShorterSide)
        let size = ImageEncoder.inputSize
        for (x, y) in [(0, 0), (resized.width - size, 0), (0, resized.height - size), (resized.width - size, resized.height - size)] {
            inputs.append(crop(resized, x: x, y: y, size: size))
        }
    }
    return inputs
}

func mirrored(_ image: Image) -> Image {
    var pixels = image.pixels
    for y in 0..<image.height {
        for x in 0..<image.width {
            for c in 0..<3 { pixels[(y * image.width + x) * 3 + c] = image.pixels[(y * image.width + image.width - 1 - x) * 3 + c] }
        }
    }
    return Image(width: image.width, height: image.height, pixels: pixels)
}

func crop(_ image: Image, x: Int, y: Int, size: Int) -> Image {
    var pixels = [UInt8](repeating: 0, count: size * size * 3)
    for row in 0..<size {
        let src = ((y + row) * image.width + x) * 3
        pixels[(row * size * 3)..<((row + 1) * size * 3)] = image.pixels[src..<(src + size * 3)]
    }
    return Image(width: size, height: size, pixels: pixels)
}

/// The error a table is judged by: mean (1 − cosine) plus the worst (1 − cosine) / 4, so the
/// search also protects the worst image.
func embeddingError(_ agreement: Agreement) -> Double {
    let losses = agreement.cosines.map { 1 - Double($0) }
    return losses.reduce(0, +) / Double(max(1, losses.count)) + (losses.max() ?? 0) / 4
}

/// Greedy calibration. Every layer starts in int8 with the default codes (±127 weights, activations
/// 0…127: AVX2's fast kernel) and clip 1. Each layer's sensitivity is the error drop when only it runs
/// in float32; layers then go to float32, most sensitive first, until the calibration inputs meet the
/// targets with a margin (mean cosine ≥ `meanTarget`, worst ≥ `worstTarget`) or `maxFloat` layers are
/// float32. Finally each int8 layer's clip is tried at every value of `clips` (coordinate descent, one
/// pass), kept when it lowers the error.
func runCalibration(directory: String, threads: Int, clips: [Float], meanTarget: Float = 0.999, worstTarget: Float = 0.99,
                    maxFloat: Int = 8) throws {
    let files = imageFiles(directory)
    let inputs = try calibrationInputs(files)
    print("calibration: \(files.count) photos of \(directory) → \(inputs.count) inputs")
    let reference = try ImageEncoder(threads: threads, precision: .fp32).encode(modelInputs: inputs)
    func evaluate(_ table: Int8Calibration) throws -> Agreement {
        let encoder = try ImageEncoder(threads: threads, precision: .int8, calibration: table)
        return Agreement(reference, try encoder.encode(modelInputs: inputs))
    }
    func report(_ label: String, _ a: Agreement) {
        print(String(format: "%@: error=%.6f mean=%.5f min=%.5f top1_same=%d/%d", label, embeddingError(a), a.mean, a.worst,
                     a.sameTopOne, a.cosines.count))
        fflush(nil)
    }
    func meets(_ a: Agreement) -> Bool { a.mean >= meanTarget && a.worst >= worstTarget }
    let names = Int8Calibration.layerNames
    var table = Int8Calibration.uniform()
    var best = try evaluate(table)
    report("all int8", best)
    var gains: [(layer: Int, gain: Double)] = []
    for layer in names.indices {
        var candidate = table
        candidate.layers[layer] = nil
        let result = try evaluate(candidate)
        gains.append((layer, embeddingError(best) - embeddingError(result)))
        report("  \(names[layer]) float32 alone", result)
    }
    let order = gains.sorted { $0.gain > $1.gain }.map(\.layer)
    for layer in order.prefix(maxFloat) where !meets(best) {
        table.layers[layer] = nil
        best = try evaluate(table)
        report("float32 \(names[layer])", best)
    }
    for layer in names.indices {
        guard let current = table.layers[layer] else { continue }
        for clip in clips where clip != current.clip {
            var candidate = table
            candidate.layers[layer] = Int8Calibration.Layer(clip: clip, weightLimit: current.weightLimit,
                                                            activationLevels: current.activationLevels)
            let result = try evaluate(candidate)
            if embeddingError(result) < embeddingError(best) {
                table = candidate
                best = result
                report("clip \(names[layer]) \(clip)", best)
            }
        }
    }
    report("calibrated", best)
    print("table: \(table.text)")
}
