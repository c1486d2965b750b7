// int8 against float32 on real photos: `--quality DIR[,DIR…]` embeds every JPEG/PNG of each folder
// with both precisions and prints the cosine of each int8 embedding to its float32 one (mean, worst)
// and how often the top-1 class is unchanged. `--calibrate DIR` chooses the per-layer int8 table
// (``Int8Calibration``) on calibration inputs generated from DIR's photos, and prints it.
import Embedding
import Foundation
import Imaging
import Tensor

/// The JPEG and PNG files of `directory`, sorted.
func imageFiles(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") || $0.lowercased().hasSuffix(".png") }
        .sorted().map { "\(directory)/\($0)" }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
    return dot / (na.squareRoot() * nb.squareRoot())
}

/// Cosine per image and top-1 agreement of `candidate` against `reference` encodings.
struct Agreement {
    var cosines: [Float]
    var sameTopOne: Int
    var mean: Float { cosines.reduce(0, +) / Float(max(1, cosines.count)) }
    var worst: Float { cosines.min() ?? 1 }

    init(_ reference: [ImageEncoding], _ candidate: [ImageEncoding]) {
        cosines = zip(reference, candidate).map { cosine($0.embedding, $1.embedding) }
        sameTopOne = zip(reference, candidate).filter { $0.topClasses(1)[0].index == $1.topClasses(1)[0].index }.count
    }
}

func encodeFiles(_ encoder: ImageEncoder, _ files: [String]) -> [ImageEncoding?] {
    var out = [ImageEncoding?](repeating: nil, count: files.count)
    encoder.encode(files: files, batchSize: 32) { i, r in out[i] = try? r.get() }
    return out
}

/// `--quality`: fp32 vs int8 (the encoder's calibration table) on every photo of the folders.
func runQuality(directories: [String], threads: Int, calibration: Int8Calibration) throws {
    let reference = try ImageEncoder(threads: threads, precision: .fp32)
    let int8 = try ImageEncoder(threads: threads, precision: .int8, calibration: calibration)
    print("int8_kernels=\(Int8KernelISA.preferred) calibration: \(calibration)")
    for directory in directories {
        let files = imageFiles(directory)
        let a = encodeFiles(reference, files), b = encodeFiles(int8, files)
        let pairs = zip(a, b).compactMap { x, y in x.flatMap { x in y.map { (x, $0) } } }
        let agreement = Agreement(pairs.map(\.0), pairs.map(\.1))
        let worstIndex = agreement.cosines.indices.min { agreement.cosines[$0] < agreement.cosines[$1] }
        print(String(format: "quality dir=%@ images=%d cosine_mean=%.5f cosine_min=%.5f top1_same=%d/%d worst=%@",
                     directory, pairs.count, agreement.mean, agreement.worst, agreement.sameTopOne, pairs.count,
                     worstIndex.map { (files[$0] as NSString).lastPathComponent } ?? "-"))
    }
}
