import AsyncHTTPClient
import NIOCore

/// The HTTP client of the cluster's calls (router → replicas, everyone → etcd): one per process.
///
/// It fails a request at once when a connection cannot be made (`retryConnectionEstablishment = false`)
/// instead of async-http-client's default of retrying with backoff until the request's own deadline: a
/// replica killed before its lease lapses would otherwise hold every query for the whole shard deadline,
/// while ``ShardCaller`` has another replica to ask. Connects time out after 1 s.
public enum ClusterHTTP {
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(1)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
