import Foundation

/// The JSON of the cluster's etcd values: sorted keys, slashes unescaped; a value that does not decode is
/// a ``ClusterError/corruptState(_:_:)`` naming its key.
enum ClusterJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], key: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw ClusterError.corruptState(key, "not a valid \(T.self): \(error)")
        }
    }
}
