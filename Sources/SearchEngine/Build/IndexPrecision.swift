import Embedding
import Foundation

/// The CNN precision an index version's visual vectors were made with, recorded as
/// `precision.json` (`{"precision":"int8"}`) in the version directory. Queries and adds must embed with
/// the same precision (int8 embeddings are close to, not equal to, float32 ones); a version without
/// the file predates int8 and is float32.
public enum IndexPrecision {
    public static let fileName = "precision.json"

    /// Writes `precision` into `directory` (a staging or version directory), atomically.
    public static func write(_ precision: EncoderPrecision, to directory: String) throws {
        try VersionRecord.write(field: "precision", value: precision.rawValue, fileName: fileName, to: directory)
    }

    /// The precision recorded in `directory`: float32 when the file is absent; an error when it is unreadable.
    public static func read(_ directory: String) throws -> EncoderPrecision {
        try VersionRecord.read(field: "precision", fileName: fileName, in: directory, absent: .fp32)
    }

    /// The precision of `index`'s serving version (float32 when nothing is published yet).
    public static func serving(_ index: IndexDirectory) throws -> EncoderPrecision {
        guard let serving = try index.serving() else { return .fp32 }
        return try read(serving.directory)
    }
}
