import Embedding
import Imaging

/// The models a ``QueryEngine`` may use: the image encoder (query images) and MiniLM (query text).
/// Either may be absent: a query that needs a missing one fails with `.modelUnavailable`; item
/// ("more like this") and pure lexical work need neither.
public struct QueryModels: Sendable {
    public var image: ImageEncoder?
    public var text: TextEncoder?

    public init(image: ImageEncoder? = nil, text: TextEncoder? = nil) {
        self.image = image
        self.text = text
    }

    /// The embedding of a query image, preprocessed exactly as indexed images are.
    /// With `box`, the decoded image is cropped to that region first (``QueryBox``); a box needs an image
    /// to crop (a file or bytes, not a ready embedding).
    public func embed(_ query: QueryImage, box: QueryBox? = nil) throws -> [Float] {
        if case .embedding(let vector) = query {
            guard box == nil else { throw SearchEngineError(.invalidQuery, "box", "needs a query image to crop, not an embedding") }
            return vector
        }
        guard let encoder = image else {
            throw SearchEngineError(.modelUnavailable, "image query", "the image model is not loaded")
        }
        let options = DecodeOptions(minimumShorterSide: box?.decodeShorterSide(for: ImageEncoder.resizeShorterSide) ?? ImageEncoder.resizeShorterSide)
        var decoded: Image
        switch query {
        case .file(let path):
            decoded = try ImageDecoder.decode(path: path, options: options)
        case .bytes(let bytes, let name):
            decoded = try ImageDecoder.decode(data: bytes, name: name, options: options)
        case .embedding:
            preconditionFailure("handled above")
        }
        if let box { decoded = box.crop(decoded) }
        return try encoder.encode(modelInputs: [ImageEncoder.modelInput(decoded)])[0].embedding
    }

    /// The MiniLM embedding of query text.
    public func embed(text query: String) throws -> [Float] {
        guard let encoder = text else {
            throw SearchEngineError(.modelUnavailable, "text query", "the text model (MiniLM) is not loaded")
        }
        return encoder.embed(query)
    }
}
