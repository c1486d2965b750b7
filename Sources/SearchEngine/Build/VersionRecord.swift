import Embedding
import Foundation

/// A one-field JSON record kept in an index version directory (`{"precision":"int8"}`,
/// `{"regions":"grid"}`): how the version was made, which later adds and queries must follow. The
/// records a version can hold are the static members of ``VersionRecords``.
public struct VersionRecord<Value: RawRepresentable & Sendable>: Sendable where Value.RawValue == String {
    /// The JSON field holding the value.
    public let field: String
    /// The file in the version directory.
    public let fileName: String
    /// The value of a version without the file (made before the record existed).
    public let absent: Value

    /// Writes `{"field":"value"}` as `directory/fileName` (a staging or version directory), atomically.
    public func write(_ value: Value, to directory: String) throws {
        try DurableFile.writeAtomically(Array("{\"\(field)\":\"\(value.rawValue)\"}\n".utf8), to: directory + "/" + fileName)
    }

    /// The value recorded in `directory`; ``absent`` when the file is not there; `.corruptIndex` naming
    /// the file when it cannot be read or holds no such value.
    public func read(_ directory: String) throws -> Value {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return absent }
        do {
            let record = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            guard let raw = record[field], let value = Value(rawValue: raw) else {
                throw IndexBuildError(.corruptIndex, path, "no valid \(field) (\(record[field] ?? "missing"))")
            }
            return value
        } catch let error as IndexBuildError {
            throw error
        } catch {
            throw IndexBuildError(.corruptIndex, path, "unreadable \(field) record (\(error))")
        }
    }

    /// The value recorded in `index`'s serving version (``absent`` when nothing is published yet).
    public func serving(_ index: IndexDirectory) throws -> Value {
        guard let serving = try index.serving() else { return absent }
        return try read(serving.directory)
    }
}

/// The records of an index version.
public enum VersionRecords {
    /// The CNN precision the version's visual vectors were made with (`precision.json`). Queries and
    /// adds must embed with the same precision (int8 embeddings are close to, not equal to, float32
    /// ones); a version without the file predates int8 and is float32.
    public static let precision = VersionRecord<EncoderPrecision>(field: "precision", fileName: "precision.json", absent: .fp32)

    /// The region layout of the version's image vectors (`regions.json`; written by builds, followed by
    /// `add` and uploads); `.none` when absent.
    public static let regions = VersionRecord<RegionLayout>(field: "regions", fileName: "regions.json", absent: .none)
}
