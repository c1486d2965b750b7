/// The shape of a BERT encoder as used by sentence-transformers' `all-MiniLM-L6-v2`
/// (from its `config.json` and `sentence_bert_config.json`).
public struct MiniLMConfiguration: Sendable, Equatable {
    public var vocabularySize = 30522
    public var hiddenSize = 384
    public var layerCount = 6
    public var headCount = 12
    public var intermediateSize = 1536
    public var maximumPositions = 512
    public var layerNormEpsilon: Float = 1e-12
    /// Longest token sequence embedded, `[CLS]` and `[SEP]` included (longer texts are truncated).
    public var maximumSequenceLength = 256

    public init() {}

    public static let allMiniLML6V2 = MiniLMConfiguration()

    /// Width of one attention head (`hiddenSize / headCount`).
    public var headWidth: Int { hiddenSize / headCount }
}
