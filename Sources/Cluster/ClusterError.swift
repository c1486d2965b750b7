/// Errors of the cluster layer, each naming what it is about and why.
public enum ClusterError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A bad command-line value or request (`subject`: the flag or field).
    case invalidArgument(_ subject: String, _ reason: String)
    /// The cluster named does not exist in etcd.
    case noSuchCluster(_ cluster: String)
    /// `cluster create` over an existing cluster of another shape.
    case conflict(_ cluster: String, _ reason: String)
    /// A value in etcd that does not decode.
    case corruptState(_ key: String, _ reason: String)
    /// `cluster publish` refused: some shard has no ready replica at the generation.
    case notPublishable(_ generation: UInt64, _ reason: String)
    /// A peer or a local step of copying a peer's index failed (`subject`: the peer or file).
    case copyFailed(_ subject: String, _ reason: String)

    public var description: String {
        switch self {
        case let .invalidArgument(subject, reason): "\(subject): \(reason)"
        case let .noSuchCluster(cluster): "cluster '\(cluster)': not found in etcd (run vsearch cluster create first)"
        case let .conflict(cluster, reason): "cluster '\(cluster)': \(reason)"
        case let .corruptState(key, reason): "etcd key \(key): \(reason)"
        case let .notPublishable(generation, reason): "generation \(generation): \(reason)"
        case let .copyFailed(subject, reason): "copying the index from \(subject): \(reason)"
        }
    }
}
