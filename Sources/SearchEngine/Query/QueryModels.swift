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
    public func embed(_ query: QueryImage) throws -> [Float] {
        if case .embedding(let vector) = query { return vector }
        guard let encoder = image else {
            throw SearchEngineError(.modelUnavailable, "image query", "the image model is not loaded")
        }
        let decoded: Image
        switch query {
        case .file(let path):
            decoded = try ImageDecoder.decode(path: path, options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        case .bytes(let bytes, let name):
            decoded = try ImageDecoder.decode(data: bytes, name: name, options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        case .embedding:
            preconditionFailure("handled above")
        }
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
