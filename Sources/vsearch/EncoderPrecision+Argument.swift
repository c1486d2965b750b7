import ArgumentParser
import Embedding

/// `--precision fp32|int8` on the commands that run the CNN.
extension EncoderPrecision: ExpressibleByArgument {}

/// Precision defaults of the commands: new indexes are built with ``forNewIndexes``; `add`, `search` and
/// `serve` use the precision the index recorded (``IndexPrecision``) unless told otherwise.
enum PrecisionDefaults {
    static let forNewIndexes: EncoderPrecision = .fp32
    static let help = "CNN arithmetic: fp32 (the reference) or int8 (1×1 convolutions in int8; embeddings close to fp32)."
}
