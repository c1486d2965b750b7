import SearchEngine

/// What answers a parsed search request: ``SearchService`` on one machine (the one ``QueryEngine`` over
/// its index), the cluster router (the same engine's two steps, fanned out to shard replicas). The
/// routes, their parameters and the JSON of the answer are the same for both (``SearchRoutes``).
public protocol SearchBackend: Sendable {
    /// Answers `request`; errors are ``APIError``s or errors ``APIError/mapping(_:)`` maps.
    func search(_ request: SearchRequest) async throws -> SearchResponse
}

extension SearchService: SearchBackend {}
