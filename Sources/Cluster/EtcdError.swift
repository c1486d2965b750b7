/// A failed etcd call: which etcd, which endpoint, why.
public struct EtcdError: Error, CustomStringConvertible, Sendable {
    public var endpoint: String
    public var path: String
    public var reason: String

    public var description: String { "etcd \(endpoint)\(path): \(reason)" }
}
