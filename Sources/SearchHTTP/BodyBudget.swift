import Hummingbird
import Synchronization

/// A cap on the request-body bytes the server holds at once (uploads and query images): each request
/// with a body reserves its declared `Content-Length` (or the upload limit when it streams chunked)
/// before a byte is read, and a request that would pass the budget is refused at once with 503
/// `overloaded` — so stalled or slow uploads cannot grow memory beyond the budget however many arrive.
/// The reservation is held until the request's answer is ready (the body stays in memory until then).
public final class BodyBudget: Sendable {
    /// Bytes that may be reserved at once.
    let capacity: Int
    private let reserved = Mutex(0)

    /// A budget of `capacity` bytes.
    public init(capacity: Int) { self.capacity = max(0, capacity) }

    /// Bytes reserved now.
    var inUse: Int { reserved.withLock { $0 } }

    /// Runs `work` with `bytes` reserved, or throws 503 `overloaded` at once when they do not fit.
    func withReservation<T: Sendable>(bytes: Int, _ work: () async throws -> T) async throws -> T {
        let granted = reserved.withLock { used -> Bool in
            guard used + bytes <= capacity else { return false }
            used += bytes
            return true
        }
        guard granted else { throw APIError.overloaded("upload") }
        defer { reserved.withLock { $0 -= bytes } }
        return try await work()
    }

    /// What a request's body reserves: its declared length (413 first when over `limit`), else `limit`.
    static func reservation(for request: Request, limit: Int) throws -> Int {
        try RequestBodyReader.checkDeclaredLength(request, limit: limit)
        return RequestBodyReader.declaredLength(request).map { max(0, $0) } ?? limit
    }
}
