import Catalog
import Embedding
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import SearchEngine
import SearchHTTP
import Synchronization

/// The router's ``SearchBackend``: the one query engine's two steps spread over the cluster.
///
/// 1. The query is resolved once, here: a query image is embedded (with the CNN precision the shards'
///    indexes were built with), query text is embedded with MiniLM; for an item query the item's owner
///    shard (``ShardSelection/shard(of:count:)``) is asked for its stored vectors. Meanwhile, for query
///    text, every shard is asked for its BM25 figures (``QueryEngine/lexicalStatistics(for:)``), which are
///    summed so each shard scores BM25 with the whole collection's N, average length and document counts.
/// 2. The resolved ``ShardQuery`` goes to one replica of every shard at once (``ShardCaller``: adaptive
///    choice, retry, hedging), each answering ``QueryEngine/candidates(for:)``.
/// 3. ``QueryEngine/merge(_:options:hasText:offset:)`` merges and fuses the lists (each as deep as one machine ranks
///    it), the rows of page results no shard sent are fetched from their owner shards, and
///    ``MergedCandidates/hits()`` builds the hits — the same code one machine runs, so the answers are the
///    same. Shards that did not answer in time are listed in the
///    response's ``Coverage``; the answer is still 200 unless no shard answered.
public final class ClusterSearcher: SearchBackend {
    /// `after=TOKEN` of the request being answered: only replicas that applied the log up to it answer.
    @TaskLocal public static var readAfter: UInt64?
    /// How long a query with `after` waits for every shard to have a replica that applied it, then 503.
    public let readAfterWait: Duration

    /// The cluster as last read from etcd.
    public let view: ClusterView
    /// Calls one shard through its replicas.
    public let caller: ShardCaller
    /// Deadline of the shard calls of one query (the HTTP request has its own, longer one).
    public let shardTimeout: Duration
    /// IVF lists probed per visual query vector on every shard; nil: each shard's own default.
    public let nprobe: Int?
    let textEncoder: TextEncoder
    let imageEncoders = Mutex<[EncoderPrecision: ImageEncoder]>([:])
    let embedding: ConcurrencyLimiter
    let logger: Logger

    /// - Parameters:
    ///   - view: the cluster's members and configuration, kept current from etcd.
    ///   - caller: per-shard calls (replica choice, retry, hedging).
    ///   - textEncoder: MiniLM, for query text (embedded once here, not on every shard).
    ///   - shardTimeout: deadline of a query's shard calls; a shard without an answer by then is missing.
    ///   - nprobe: IVF lists probed per visual query on every shard (nil: each shard's own default).
    ///   - readAfterWait: how long `after=TOKEN` waits for replicas that applied the write.
    public init(view: ClusterView, caller: ShardCaller, textEncoder: TextEncoder, shardTimeout: Duration = .seconds(2),
                nprobe: Int? = nil, embeddingConcurrency: Int = 2, readAfterWait: Duration = .seconds(10), logger: Logger) {
        self.readAfterWait = readAfterWait
        self.view = view
        self.caller = caller
        self.textEncoder = textEncoder
        self.shardTimeout = shardTimeout
        self.nprobe = nprobe
        self.logger = logger
        embedding = ConcurrencyLimiter(name: "router-embedding", limit: max(1, embeddingConcurrency), queueLimit: 64)
    }

    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        let start = ContinuousClock.now
        do { try QueryEngine.validate(request) } catch { throw APIError.mapping(error) }
        guard var state = view.current else { throw APIError.notReady(view.unavailableReason ?? "the cluster has not been read from etcd yet") }
        if let after = Self.readAfter { state = try await caughtUp(after, state: state) }
        guard request.options.k > 0 else {
            return SearchResponse(query: request.kind, k: request.options.k, tookMilliseconds: 0, results: [],
                                  coverage: Coverage(shards: state.config.shards, missing: []))
        }
        var options = request.options
        if options.nprobe == nil { options.nprobe = nprobe }
        // Paging: the cursor's offset now (the shards must rank deep enough), the cursor itself is checked
        // once the shards answered (their index stamps are part of it).
        let offset: Int
        do { offset = try ResultPaging.unverifiedOffset(of: options.cursor) } catch { throw APIError.mapping(error) }
        // Without text the fused ranking is the visual one: each shard ranks only as deep as this page and
        // one more result (is there a next page?) need. With text, fusion sees every source as deep as one
        // machine ranks it (the fixed paging depth); rows of a deeper page come from `itemRows`.
        // Collapse folds over the whole fused ranking: then every shard ranks to the full depth too.
        var shardOptions = options
        if request.effectiveText == nil && !options.collapseNearDuplicates {
            shardOptions.k = offset + options.k
            shardOptions.maximumResults = min(options.maximumResults, offset + options.k + 1)
        }
        // Shard deadlines start once the replicas that may answer are known (after any read-after wait) and,
        // for the fan-out, once the query is resolved (the image embedded here does not eat into it).
        let resolveDeadline = ContinuousClock.now + shardTimeout
        let frozenState = state
        async let statistics = lexicalStatistics(request.effectiveText, state: frozenState, deadline: resolveDeadline)
        var query = try await resolve(request, options: shardOptions, state: state, deadline: resolveDeadline)
        query.lexicalStatistics = await statistics
        let body = try ClusterJSON.encode(query)
        let deadline = ContinuousClock.now + shardTimeout
        let candidatesPath = "/internal/v1/candidates" + Self.generationParameter(state)

        let shards = state.config.shards
        let replies = await withTaskGroup(of: (Int, ShardCaller.Outcome).self) { group in
            for shard in 0..<shards {
                let replicas = state.routable(shard: shard)
                group.addTask { (shard, await self.caller.call(replicas, method: .POST, path: candidatesPath, body: body, deadline: deadline)) }
            }
            var all: [(Int, ShardCaller.Outcome)] = []
            for await reply in group { all.append(reply) }
            return all
        }
        var parts: [ShardCandidates] = []
        var missing: [Int] = []
        var stamps = [String](repeating: "missing", count: shards)
        for (shard, outcome) in replies {
            switch outcome {
            case .answered(let reply) where reply.status == 200:
                do {
                    let part = try JSONDecoder().decode(ShardCandidates.self, from: Data(reply.body.readableBytesView))
                    stamps[shard] = part.indexStamp ?? "unknown"
                    parts.append(part)
                } catch {
                    logger.error("shard answer does not decode", metadata: ["shard": "\(shard)", "replica": "\(reply.address)", "error": "\(error)"])
                    missing.append(shard)
                }
            case .answered(let reply):
                throw Self.shardError(reply)
            case .unavailable(let reason):
                logger.warning("shard unavailable for a query", metadata: ["shard": "\(shard)", "reason": "\(reason)"])
                missing.append(shard)
            }
        }
        guard !parts.isEmpty else { throw APIError.notReady("no shard answered in time") }
        // The cluster's index state: the serving generation and every shard's stamp (a missing shard too).
        let paging = ResultPaging(query: ResultPaging.queryFingerprint(request: request, queryVectors: query.vectors, nprobe: options.nprobe),
                                  index: ResultPaging.combinedStamp(["generation \(state.config.servingGeneration ?? 0)"] + stamps))
        do { _ = try paging.offset(of: options.cursor) } catch { throw APIError.mapping(error) }
        var merged = QueryEngine.merge(parts, options: options, hasText: request.effectiveText != nil, offset: offset)
        if options.collapseNearDuplicates {
            merged.collapse(vectors: await collapseVectors(merged.fusedIDs, state: state, deadline: ContinuousClock.now + shardTimeout))
        }
        let missingRows = merged.missingItemIDs
        if !missingRows.isEmpty {
            merged.items.merge(await itemRows(missingRows, state: state, deadline: ContinuousClock.now + shardTimeout), uniquingKeysWith: { a, _ in a })
        }
        let hits = merged.hits()
        let elapsed = ContinuousClock.now - start
        return SearchResponse(query: request.kind, k: options.k, tookMilliseconds: Double(elapsed.components.seconds) * 1000
                                + Double(elapsed.components.attoseconds) / 1e15,
                              results: hits, nextCursor: merged.hasMore ? paging.cursor(offset: offset + options.k) : nil,
                              coverage: Coverage(shards: shards, missing: missing))
    }

    /// The cluster state restricted to replicas that applied the log up to `after`, waiting (bounded) until
    /// every shard that has a routable replica has one that applied it; 503 when none catches up in time.
    func caughtUp(_ after: UInt64, state: ClusterState) async throws -> ClusterState {
        let giveUp = ContinuousClock.now + readAfterWait
        var current = state
        while true {
            var restricted = current
            restricted.members = current.members.filter { $0.appliedPosition >= after }
            let lagging = (0..<current.config.shards).filter { !current.routable(shard: $0).isEmpty && restricted.routable(shard: $0).isEmpty }
            if lagging.isEmpty { return restricted }
            guard ContinuousClock.now < giveUp else {
                var failure = APIError(.serviceUnavailable, "not_caught_up",
                                       "no replica of shard(s) \(lagging.map(String.init).joined(separator: ", ")) has applied write \(after) yet; retry")
                failure.headers = [("Retry-After", "1")]
                throw failure
            }
            try await Task.sleep(for: .milliseconds(100))
            current = view.current ?? current
        }
    }

    /// The request as every shard can answer it: vectors and text embedding computed here once.
    func resolve(_ request: SearchRequest, options: QueryOptions, state: ClusterState, deadline: ContinuousClock.Instant) async throws -> ShardQuery {
        var vectors: [[Float]] = []
        if let image = request.image {
            let encoder = try imageEncoder(state)
            let models = QueryModels(image: encoder)
            vectors.append(try await embedding.answer("image search") { try models.embed(image, box: request.box) })
        }
        if let item = request.item { vectors += try await itemVectors(item, state: state, deadline: deadline) }
        let text = request.effectiveText
        var textEmbedding: [Float]?
        if let text {
            let models = QueryModels(text: textEncoder)
            textEmbedding = try await embedding.answer("search") { try models.embed(text: text) }
        }
        return ShardQuery(vectors: vectors, excludedID: request.item?.id, text: text, textEmbedding: textEmbedding, options: options)
    }

    /// `?generation=G`: one generation for every shard call of a query, the serving one read with `state`.
    static func generationParameter(_ state: ClusterState) -> String {
        state.config.servingGeneration.map { "?generation=\($0)" } ?? ""
    }

    /// The collection's BM25 figures for `text`: every shard's (one replica each, as for candidates) summed.
    /// Shards that do not answer in time are left out of the sum (their items are then scored with the
    /// others' figures); nil without text or when no shard answered (each shard then scores with its own).
    func lexicalStatistics(_ text: String?, state: ClusterState, deadline: ContinuousClock.Instant) async -> LexicalStatistics? {
        guard let text, let body = try? ClusterJSON.encode(ShardRoutes.LexicalStatisticsRequest(text: text)) else { return nil }
        let bodies = Dictionary(uniqueKeysWithValues: (0..<state.config.shards).map { ($0, body) })
        let parts = await ask(bodies, path: "/internal/v1/lexical-statistics", state: state, deadline: deadline,
                              as: LexicalStatistics.self, what: "its BM25 statistics (left out of the query's sum)")
        return parts.isEmpty ? nil : LexicalStatistics.summing(parts)
    }

    /// The collapse vectors of `ids`, each from the shard that owns it; a shard that does not answer leaves its
    /// items without one (they are then kept, never folded, as items without a visual vector are).
    func collapseVectors(_ ids: [String], state: ClusterState, deadline: ContinuousClock.Instant) async -> [String: [Float]] {
        let parts = await askOwners(ids, path: "/internal/v1/collapse-vectors", state: state, deadline: deadline,
                                    as: ShardRoutes.CollapseVectorsResponse.self, what: "collapse vectors")
        return parts.reduce(into: [:]) { vectors, part in
            for (id, text) in part.vectors { vectors[id] = try? VectorCoding.decode(text) }
        }
    }

    /// The catalog rows of `ids`, each from the shard that owns it (``ShardSelection/shard(of:count:)``); a shard
    /// that does not answer leaves its rows out (those results are then passed over, as removed items are).
    func itemRows(_ ids: [String], state: ClusterState, deadline: ContinuousClock.Instant) async -> [String: CatalogItem] {
        let parts = await askOwners(ids, path: "/internal/v1/item-rows", state: state, deadline: deadline,
                                    as: ShardRoutes.ItemRowsResponse.self, what: "the rows of a page's results")
        return parts.reduce(into: [:]) { rows, part in for item in part.items { rows[item.id] = item } }
    }

    /// Asks each owner shard (``ShardSelection/shard(of:count:)``) of `ids` about its own ids at `path` (body
    /// ``ShardRoutes/ItemRowsRequest``).
    func askOwners<Answer: Decodable & Sendable>(_ ids: [String], path: String, state: ClusterState, deadline: ContinuousClock.Instant,
                                                 as: Answer.Type, what: String) async -> [Answer] {
        let byShard = Dictionary(grouping: ids) { ShardSelection.shard(of: $0, count: state.config.shards) }
        let bodies = byShard.compactMapValues { try? ClusterJSON.encode(ShardRoutes.ItemRowsRequest(ids: $0)) }
        return await ask(bodies, path: path, state: state, deadline: deadline, as: Answer.self, what: what)
    }

    /// Posts each shard's body to one of its replicas at `path`, all at once; the answers that came in time
    /// and decode (a shard without one is logged, naming `what` it did not send).
    func ask<Answer: Decodable & Sendable>(_ bodies: [Int: [UInt8]], path: String, state: ClusterState, deadline: ContinuousClock.Instant,
                                           as: Answer.Type, what: String) async -> [Answer] {
        let path = path + Self.generationParameter(state)
        return await withTaskGroup(of: Answer?.self) { group in
            for (shard, body) in bodies {
                let replicas = state.routable(shard: shard)
                group.addTask {
                    let outcome = await self.caller.call(replicas, method: .POST, path: path, body: body, deadline: deadline)
                    if case .answered(let reply) = outcome, reply.status == 200,
                       let answer = try? JSONDecoder().decode(Answer.self, from: Data(reply.body.readableBytesView)) {
                        return answer
                    }
                    self.logger.warning("shard did not send \(what)", metadata: ["shard": "\(shard)", "path": "\(path)"])
                    return nil
                }
            }
            var answers: [Answer] = []
            for await answer in group { if let answer { answers.append(answer) } }
            return answers
        }
    }

    /// An item query's vectors, from the shard that owns the item.
    func itemVectors(_ item: ItemQuery, state: ClusterState, deadline: ContinuousClock.Instant) async throws -> [[Float]] {
        let owner = ShardSelection.shard(of: item.id, count: state.config.shards)
        let body = try ClusterJSON.encode(ShardRoutes.ItemVectorsRequest(id: item.id, t: item.at))
        switch await caller.call(state.routable(shard: owner), method: .POST,
                                  path: "/internal/v1/item-vectors" + Self.generationParameter(state), body: body, deadline: deadline) {
        case .answered(let reply) where reply.status == 200:
            let decoded = try JSONDecoder().decode(ShardRoutes.ItemVectorsResponse.self, from: Data(reply.body.readableBytesView))
            return try decoded.vectors.map { try VectorCoding.decode($0) }
        case .answered(let reply):
            throw Self.shardError(reply)
        case .unavailable(let reason):
            logger.warning("owner shard unavailable for an item query", metadata: ["shard": "\(owner)", "reason": "\(reason)"])
            throw APIError.notReady("shard \(owner), which holds item '\(item.id)', has no replica answering")
        }
    }

    /// The shard's own error (a 4xx with the public error body) passed on as it is.
    static func shardError(_ reply: ShardReply) -> APIError {
        struct Body: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        let status = HTTPResponse.Status(code: reply.status)
        if let body = try? JSONDecoder().decode(Body.self, from: Data(reply.body.readableBytesView)) {
            return APIError(status, body.error.code, body.error.message)
        }
        return APIError.internal("shard \(reply.address) answered HTTP \(reply.status) without an error body")
    }

    /// The CNN for query images, at the precision the shards report (loaded on first use).
    func imageEncoder(_ state: ClusterState) throws -> ImageEncoder {
        let precision = state.members.compactMap { $0.precision.flatMap(EncoderPrecision.init(rawValue:)) }.first ?? .fp32
        if let encoder = imageEncoders.withLock({ $0[precision] }) { return encoder }
        let encoder: ImageEncoder
        do { encoder = try ImageEncoder(threads: 1, precision: precision) } catch {
            throw APIError.mapping(SearchEngineError(.modelUnavailable, "image query", "the image model cannot be loaded: \(error)"))
        }
        imageEncoders.withLock { $0[precision] = encoder }
        return encoder
    }
}
