import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small client of etcd's v3 JSON gateway (`POST /v3/kv/range|put|txn|deleterange`,
/// `/v3/lease/grant|keepalive|revoke`): keys and values travel base64-encoded, 64-bit numbers as strings.
/// Only what the cluster needs: reads by key or prefix, puts (optionally under a lease), a put that
/// succeeds only when the key is new or unchanged since a revision, deletes and leases.
///
/// Every call has a deadline (`timeout`); a failure is an ``EtcdError`` naming the endpoint and why.
public struct EtcdClient: Sendable {
    /// Base URL of one etcd member's client port, e.g. `http://127.0.0.1:2379`.
    public let endpoint: String
    public let timeout: Duration
    let http: HTTPClient

    /// A client of the etcd member at `endpoint`; every call gives up after `timeout`.
    public init(endpoint: String, timeout: Duration = .seconds(3), http: HTTPClient = ClusterHTTP.client) {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base
        self.timeout = timeout
        self.http = http
    }

    /// One key's current value.
    public struct KeyValue: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]
        public var modRevision: Int64
        public var lease: Int64
    }

    // MARK: KV

    /// The value of `key`, or nil.
    public func get(_ key: String) async throws -> KeyValue? {
        try await range(["key": Self.b64(key)]).first
    }

    /// Every key starting with `prefix`, in key order.
    public func list(prefix: String) async throws -> [KeyValue] {
        try await range(["key": Self.b64(prefix), "range_end": Self.b64(bytes: Self.prefixEnd(prefix))])
    }

    /// Sets `key` to `value`, attached to `lease` when given (the key disappears when the lease lapses);
    /// returns the store's revision after the put (the key's mod revision). Durable once this returns.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8], lease: Int64? = nil) async throws -> Int64 {
        var body: [String: Any] = ["key": Self.b64(key), "value": Self.b64(bytes: value)]
        if let lease { body["lease"] = String(lease) }
        let answer = try await call("/v3/kv/put", body)
        return Self.int64((answer["header"] as? [String: Any])?["revision"]) ?? 0
    }

    /// Keys starting with `prefix` changed at revision `minModRevision` or later, and the store's
    /// current revision (everything up to it has been seen).
    public func list(prefix: String, minModRevision: Int64) async throws -> (kvs: [KeyValue], revision: Int64) {
        let answer = try await call("/v3/kv/range", ["key": Self.b64(prefix), "range_end": Self.b64(bytes: Self.prefixEnd(prefix)),
                                                       "min_mod_revision": String(minModRevision)])
        return (Self.keyValues(answer), Self.int64((answer["header"] as? [String: Any])?["revision"]) ?? 0)
    }

    /// Sets `key` only if it does not exist (`expectedModRevision` nil) or was last changed at exactly
    /// `expectedModRevision`; true when it was set.
    public func putIf(_ key: String, _ value: [UInt8], expectedModRevision: Int64?, lease: Int64? = nil) async throws -> Bool {
        var put: [String: Any] = ["key": Self.b64(key), "value": Self.b64(bytes: value)]
        if let lease { put["lease"] = String(lease) }
        let compare: [String: Any] = expectedModRevision.map {
            ["key": Self.b64(key), "result": "EQUAL", "target": "MOD", "mod_revision": String($0)]
        } ?? ["key": Self.b64(key), "result": "EQUAL", "target": "CREATE", "create_revision": "0"]
        let answer = try await call("/v3/kv/txn", ["compare": [compare], "success": [["request_put": put]], "failure": []])
        return (answer["succeeded"] as? Bool) ?? false
    }

    /// Deletes `key`.
    public func delete(_ key: String) async throws {
        _ = try await call("/v3/kv/deleterange", ["key": Self.b64(key)])
    }

    // MARK: Leases

    /// A new lease of `ttlSeconds`; its id.
    public func grantLease(ttlSeconds: Int) async throws -> Int64 {
        let answer = try await call("/v3/lease/grant", ["TTL": String(ttlSeconds), "ID": "0"])
        guard let id = Self.int64(answer["ID"]), id != 0 else { throw EtcdError(endpoint: endpoint, path: "/v3/lease/grant", reason: "no lease id in the answer") }
        return id
    }

    /// Renews `lease`; false when it has lapsed (its keys are gone).
    public func keepAlive(lease: Int64) async throws -> Bool {
        let answer = try await call("/v3/lease/keepalive", ["ID": String(lease)])
        let result = answer["result"] as? [String: Any] ?? answer
        return (Self.int64(result["TTL"]) ?? 0) > 0
    }

    /// Ends `lease` now (its keys are deleted).
    public func revoke(lease: Int64) async throws {
        _ = try await call("/v3/lease/revoke", ["ID": String(lease)])
    }

    // MARK: Plumbing

    private func range(_ body: [String: Any]) async throws -> [KeyValue] {
        Self.keyValues(try await call("/v3/kv/range", body))
    }

    static func keyValues(_ answer: [String: Any]) -> [KeyValue] {
        let kvs = answer["kvs"] as? [[String: Any]] ?? []
        return kvs.compactMap { kv in
            guard let key = (kv["key"] as? String).flatMap({ Data(base64Encoded: $0) }) else { return nil }
            let value = (kv["value"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
            return KeyValue(key: String(decoding: key, as: UTF8.self), value: [UInt8](value),
                            modRevision: Self.int64(kv["mod_revision"]) ?? 0, lease: Self.int64(kv["lease"]) ?? 0)
        }
    }

    /// POSTs `body` as JSON to `path`; the answer's JSON object (a streamed answer's first message).
    private func call(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(timeout.wholeMilliseconds)))
            bytes = try await response.body.collect(upTo: 8 << 20)
        } catch {
            throw EtcdError(endpoint: endpoint, path: path, reason: "unreachable: \(error)")
        }
        let data = Data(bytes.readableBytesView)
        // A streaming endpoint (keepalive) answers newline-delimited messages; the first is ours.
        let first = data.split(separator: 0x0A, omittingEmptySubsequences: true).first ?? data
        let object = (try? JSONSerialization.jsonObject(with: Data(first))) as? [String: Any]
        guard response.status == .ok, let object else {
            let message = (object?["error"] as? String) ?? (object?["message"] as? String)
                ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw EtcdError(endpoint: endpoint, path: path, reason: "HTTP \(response.status.code): \(message)")
        }
        if let error = object["error"] as? [String: Any] {
            throw EtcdError(endpoint: endpoint, path: path, reason: "\(error["message"] ?? error)")
        }
        return object
    }

    static func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func b64(bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// The range end that selects every key starting with `prefix` (its last byte below 0xFF incremented).
    static func prefixEnd(_ prefix: String) -> [UInt8] {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF { bytes[bytes.count - 1] = last + 1; return bytes }
            bytes.removeLast()
        }
        return [0]
    }

    static func int64(_ value: Any?) -> Int64? {
        if let text = value as? String { return Int64(text) }
        if let number = value as? NSNumber { return number.int64Value }
        return nil
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
