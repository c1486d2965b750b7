import Foundation
import Synchronization
import Tensor

/// EfficientNet-Lite0 (ImageNet-1k) run by the project's own kernels: turns 224×224 RGB images
/// into L2-normalised 1280-d embeddings and 1000 class logits.
///
/// Load once, share everywhere: the weights are immutable and each call checks scratch arenas out
/// of a pool, so concurrent callers are safe. A batch is spread over ``threadCount`` threads: whole
/// images per thread when the batch has at least as many images, otherwise each layer of one image
/// is split by rows. The encoder makes no BLAS calls (its kernels are the project's own), so it leaves
/// the process-wide OpenBLAS thread count alone.
public final class ImageEncoder: Sendable {
    /// Side of the square input image.
    public static let inputSize = EfficientNetLite0.inputSize
    /// Length of ``ImageEncoding/embedding``.
    public static let embeddingDimension = EfficientNetLite0.headChannels
    /// Length of ``ImageEncoding/logits``.
    public static let classCount = EfficientNetLite0.classCount

    /// Threads a call may use.
    public let threadCount: Int
    /// The instruction set of the convolution kernels (default ``KernelISA/preferred``: AVX-512 where
    /// the CPU has it). `avx2` and `avx512` compute the same float32 network (sums ordered differently,
    /// so outputs agree to rounding, not bit for bit); `avx512bf16` is the opt-in reduced-precision path.
    public let kernels: KernelISA
    /// float32 or int8 1×1 convolutions (see ``EncoderPrecision``).
    public let precision: EncoderPrecision
    /// The 1000 class display names in index order.
    public let classNames: [String]
    let weights: EncoderWeights
    let plan = ForwardPlan()
    /// Idle execution contexts (a thread team and one arena per thread), leased one per call.
    private let contexts = Mutex<[ExecutionContext]>([])

    /// Loads and verifies `weightsPath` (a safetensors file made by `scripts/setup`: checksum, format,
    /// the shape of every tensor) and the class list `classNamesPath` (1000 lines).
    /// - Parameters:
    ///   - threads: threads per call; defaults to the number of active cores.
    ///   - kernels: the kernels' instruction set; must be supported on this CPU (default: the preferred one).
    ///   - precision: ``EncoderPrecision/fp32`` (default) or ``EncoderPrecision/int8``.
    ///   - calibration: with int8, which layers run in int8 and their clips (default ``Int8Calibration/shipped``).
    ///   - int8Kernels: with int8, the integer kernels' instruction set (default: the preferred one).
    public init(weightsPath: String, classNamesPath: String, threads: Int? = nil, kernels: KernelISA = .preferred,
                precision: EncoderPrecision = .fp32, calibration: Int8Calibration = .shipped,
                int8Kernels: Int8KernelISA = .preferred) throws {
        precondition(kernels.isSupported, "\(kernels) kernels are not supported on this CPU")
        let file = try SafeTensors(path: weightsPath, requireChecksum: true)
        guard file.metadata["format"] == "efficientnet-lite0" else {
            throw WeightFileError(path: weightsPath, reason: .unexpectedContent(
                "metadata format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected 'efficientnet-lite0'"))
        }
        let weights = try EncoderWeights(file: file)
        let floatWeights = kernels == .avx512bf16 ? weights.withBFloat16Panels() : weights
        self.weights = precision == .int8 ? floatWeights.withInt8(calibration: calibration, isa: int8Kernels) : floatWeights
        self.precision = precision
        classNames = try Self.readClassNames(classNamesPath)
        threadCount = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.kernels = kernels
    }

    /// Loads the model from `files` (default: ``ModelFiles/locate(environment:)``).
    public convenience init(files: ModelFiles? = nil, threads: Int? = nil, kernels: KernelISA = .preferred,
                            precision: EncoderPrecision = .fp32, calibration: Int8Calibration = .shipped,
                            int8Kernels: Int8KernelISA = .preferred) throws {
        let files = try files ?? ModelFiles.locate()
        try self.init(weightsPath: files.path(ModelFiles.imageEncoderWeights),
                      classNamesPath: files.path(ModelFiles.imageNetClasses), threads: threads, kernels: kernels,
                      precision: precision, calibration: calibration, int8Kernels: int8Kernels)
    }

    /// The `k` most likely classes of `encoding` with their names and softmax scores.
    public func labels(for encoding: ImageEncoding, top k: Int = 5) -> [ImageLabel] {
        encoding.topClasses(k).map { ImageLabel(index: $0.index, name: classNames[$0.index], score: $0.score) }
    }

    /// Encodes a batch of 224×224 RGB images given as interleaved 8-bit pixels (`224·224·3` bytes
    /// each, row-major, R G B per pixel), normalised as `(x − 127) / 128`.
    public func encode(rgbPixels batch: [[UInt8]]) throws(ImageEncoderError) -> [ImageEncoding] {
        let size = Self.inputSize
        for (index, pixels) in batch.enumerated() where pixels.count != size * size * 3 {
            throw ImageEncoderError.wrongInputSize(index: index, detail: "\(pixels.count) bytes, expected \(size)·\(size)·3")
        }
        return run(count: batch.count) { index, destination in
            batch[index].withUnsafeBufferPointer { src in
                for i in 0..<src.count { destination[i] = (Float(src[i]) - 127) / 128 }
            }
        }
    }

    /// Encodes a batch of already normalised inputs: `count` images of `224·224·3` floats each, NHWC
    /// (row-major `[image][y][x][channel]`), channels R G B.
    public func encode(normalizedNHWC batch: [Float], count: Int) throws(ImageEncoderError) -> [ImageEncoding] {
        let per = Self.inputSize * Self.inputSize * 3
        guard count >= 0, batch.count == per * count else {
            throw ImageEncoderError.wrongInputSize(index: 0, detail: "\(batch.count) floats for \(count) images of \(per)")
        }
        return batch.withUnsafeBufferPointer { all in
            run(count: count) { index, destination in
                destination.update(from: all.baseAddress! + index * per, count: per)
            }
        }
    }

    /// Runs `count` images: `fill(i, p)` writes image `i`'s normalised NHWC input to `p`.
    private func run(count: Int, fill: (Int, UnsafeMutablePointer<Float>) -> Void) -> [ImageEncoding] {
        guard count > 0 else { return [] }
        let context = checkOut()
        defer { checkIn(context) }
        let team = context.team, arenas = context.arenas
        let dim = Self.embeddingDimension
        var pooled = [Float](repeating: 0, count: count * dim)
        pooled.withUnsafeMutableBufferPointer { pooledBuffer in
            let pooledBase = pooledBuffer.baseAddress!
            func one(_ index: Int, arena: ScratchArena, layerTeam: WorkerTeam?) {
                fill(index, arena.slice(at: plan.depthwise, count: Self.inputSize * Self.inputSize * 3).base)
                forward(arena: arena, team: layerTeam, scratch: layerTeam == nil ? [arena] : arenas)
                (pooledBase + index * dim).update(from: arena.slice(at: plan.pooled, count: dim).base, count: dim)
            }
            // Whole images per thread for the part of the batch that divides evenly (no hand-offs
            // inside an image)…
            let wholeImages = count - count % team.size
            if wholeImages > 0 {
                team.run { member in
                    for index in stride(from: member, to: wholeImages, by: team.size) {
                        one(index, arena: arenas[member], layerTeam: nil)
                    }
                }
            }
            // …and the rest one at a time with every layer split across the threads.
            for index in wholeImages..<count {
                one(index, arena: arenas[0], layerTeam: team.size > 1 ? team : nil)
            }
        }
        var logits = [Float](repeating: 0, count: count * Self.classCount)
        pooled.withUnsafeMutableBufferPointer { p in
            logits.withUnsafeMutableBufferPointer { l in
                let rows = FeatureMap(base: p.baseAddress!, height: 1, width: count, channels: dim)
                let out = FeatureMap(base: l.baseAddress!, height: 1, width: count, channels: Self.classCount)
                team.split(count) { range in
                    PointwiseConvolution.apply(input: rows, weights: weights.classifier, activation: .none, output: out, pixels: range,
                                               isa: kernels)
                }
            }
        }
        return (0..<count).map { i in
            var embedding = Array(pooled[(i * dim)..<((i + 1) * dim)])
            var norm: Float = 0
            for v in embedding { norm += v * v }
            norm = norm.squareRoot()
            if norm > 0 { for j in embedding.indices { embedding[j] /= norm } }
            return ImageEncoding(embedding: embedding, logits: Array(logits[(i * Self.classCount)..<((i + 1) * Self.classCount)]))
        }
    }

    /// A thread team and its arenas, used by one call at a time.
    final class ExecutionContext: Sendable {
        let team: WorkerTeam
        let arenas: [ScratchArena]
        init(threads: Int, arenaCapacity: Int) {
            team = WorkerTeam(size: threads)
            arenas = (0..<threads).map { _ in ScratchArena(capacity: arenaCapacity) }
        }
    }

    private func checkOut() -> ExecutionContext {
        contexts.withLock { $0.popLast() } ?? ExecutionContext(threads: threadCount, arenaCapacity: plan.capacity)
    }

    /// Keeps one idle context (enough for one caller at a time); contexts made for concurrent
    /// callers beyond that are freed, with their threads and arenas.
    private func checkIn(_ context: ExecutionContext) {
        contexts.withLock { pool in
            if pool.isEmpty { pool.append(context) }
        }
    }

    private static func readClassNames(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw WeightFileError(path: path, reason: .missing("cannot read the ImageNet class list"))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let names = (lines.last == "" ? lines.dropLast() : lines[...]).map { line in
            String(line.split(separator: ",", maxSplits: 1).first ?? "")
        }
        guard names.count == classCount, !names.contains("") else {
            throw WeightFileError(path: path, reason: .unexpectedContent("expected \(classCount) non-empty class names, found \(names.count)"))
        }
        return names
    }
}
