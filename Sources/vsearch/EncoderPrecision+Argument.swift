import ArgumentParser
import Embedding

/// `--precision fp32|int8` on the commands that run the CNN.
extension EncoderPrecision: ExpressibleByArgument {}

/// Precision defaults of the commands: new indexes are built with ``forNewIndexes`` (int8: it meets the
/// accuracy targets, see BENCHMARKS.md); `add`, `search` and `serve` use the precision the index recorded
/// (``VersionRecords/precision``) unless told otherwise. `embed` and the library default to float32, the reference.
enum PrecisionDefaults {
    static let forNewIndexes: EncoderPrecision = .int8
    static let help = "CNN arithmetic: fp32 (the reference) or int8 (1×1 convolutions in int8; embeddings close to fp32)."
}
