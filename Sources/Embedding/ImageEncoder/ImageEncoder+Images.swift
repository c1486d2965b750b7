import Parallelism
import Imaging
import Tensor

extension ImageEncoder {
    /// The preprocessing the model was evaluated with: shorter side to 256 (antialiased bilinear),
    /// centre crop 224. Decode JPEGs with `DecodeOptions(minimumShorterSide: 256)` before this so
    /// large photos are DCT-scaled; index and query must use the same path.
    public static let resizeShorterSide = 256

    /// `image` preprocessed into the model's 224×224 input.
    public static func modelInput(_ image: Image) -> Image {
        image.modelInput(resizeShorterSideTo: resizeShorterSide, crop: inputSize)
    }

    /// Encodes already preprocessed 224×224 images (see ``modelInput(_:)``).
    public func encode(modelInputs images: [Image]) throws(ImageEncoderError) -> [ImageEncoding] {
        for (index, image) in images.enumerated() where image.width != Self.inputSize || image.height != Self.inputSize {
            throw ImageEncoderError.wrongInputSize(index: index, detail: "\(image.width)×\(image.height), expected \(Self.inputSize)×\(Self.inputSize)")
        }
        return try encode(rgbPixels: images.map(\.pixels))
    }

    /// Encodes images of any size: each is preprocessed with ``modelInput(_:)`` first.
    public func encode(images: [Image]) -> [ImageEncoding] {
        var inputs = [Image?](repeating: nil, count: images.count)
        inputs.withUnsafeMutableBufferPointer { slots in
            let out = UncheckedBuffer(slots)
            Parallel.split(images.count, parts: threadCount) { range in
                for i in range { out.buffer[i] = Self.modelInput(images[i]) }
            }
        }
        // Every input is 224×224 by construction.
        return try! encode(modelInputs: inputs.map { $0! })
    }

    /// Decodes, preprocesses and encodes image files (JPEG or PNG), `batchSize` at a time, decoding
    /// in parallel on ``threadCount`` threads. `result(index, outcome)` is called in input order for
    /// each file with its encoding or the error that stopped it (a bad file does not stop the rest).
    public func encode(
        files paths: [String], batchSize: Int = 32,
        result: (Int, Result<ImageEncoding, ImagingError>) throws -> Void
    ) rethrows {
        let options = DecodeOptions(minimumShorterSide: Self.resizeShorterSide)
        var start = 0
        while start < paths.count {
            let end = min(paths.count, start + max(1, batchSize))
            var decoded = [Result<Image, ImagingError>?](repeating: nil, count: end - start)
            decoded.withUnsafeMutableBufferPointer { slots in
                let out = UncheckedBuffer(slots)
                Parallel.split(end - start, parts: threadCount) { range in
                    for i in range {
                        out.buffer[i] = Result { () throws(ImagingError) -> Image in
                            Self.modelInput(try ImageDecoder.decode(path: paths[start + i], options: options))
                        }
                    }
                }
            }
            let images = decoded.compactMap { try? $0!.get() }
            var encodings = try! encode(modelInputs: images).makeIterator() // 224×224 by construction
            for (offset, outcome) in decoded.enumerated() {
                switch outcome! {
                case .success: try result(start + offset, .success(encodings.next()!))
                case .failure(let error): try result(start + offset, .failure(error))
                }
            }
            start = end
        }
    }
}

/// A batch the encoder cannot take.
public enum ImageEncoderError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Input `index` of the batch is not a 224×224 RGB image.
    case wrongInputSize(index: Int, detail: String)

    public var description: String {
        switch self {
        case .wrongInputSize(let index, let detail): "model input \(index): \(detail)"
        }
    }
}

/// `@unchecked Sendable`: lets parallel iterations write *different* indices of one buffer that
/// outlives them (each index is written by exactly one iteration).
struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
