import Foundation

/// A one-field JSON record kept in an index version directory (`{"precision":"int8"}`,
/// `{"regions":"grid"}`): how the version was made, which later adds and queries must follow.
enum VersionRecord {
    /// Writes `{"field":"value"}` as `directory/fileName`, atomically.
    static func write(field: String, value: String, fileName: String, to directory: String) throws {
        try DurableFile.writeAtomically(Array("{\"\(field)\":\"\(value)\"}\n".utf8), to: directory + "/" + fileName)
    }

    /// The value of `field` recorded in `directory/fileName`; `absent` when the file is not there (a
    /// version made before the record existed); `.corruptIndex` naming the file when it cannot be read
    /// or holds no such value.
    static func read<Value: RawRepresentable>(field: String, fileName: String, in directory: String,
                                              absent: Value) throws -> Value where Value.RawValue == String {
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
}
