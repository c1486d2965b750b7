import Parallelism
import Synchronization

extension IVFIndex {
    /// Top-`k` search of a batch of queries (`queries.count == n × dimension`, row-major).
    ///
    /// Per block of queries: coarse scores for the block with one BLAS call, the `nprobe` best lists per
    /// query, then the (list, query) pairs are visited **grouped by list**, so a list probed by several
    /// queries of the block is read from memory once and scanned from cache for the others. Tombstones
    /// and the filter are checked only for candidates that would enter a query's current top-k.
    /// With SQ8 and stored vectors, the best `k × rerankFactor` candidates are re-scored exactly.
    public func search(batch queries: [Float], k: Int, options: SearchOptions) throws -> [[Neighbor]] {
        let d = dimension
        guard queries.count % d == 0 else {
            throw VectorIndexError.badInput("queries", "\(queries.count) values are not a whole number of \(d)-d vectors")
        }
        guard k > 0 else { throw VectorIndexError.badInput("k", "must be positive, got \(k)") }
        let nq = queries.count / d
        let threads = max(1, options.threads)
        // Big blocks share more list reads; keep each block's score matrix around 16 MB.
        let block = max(1, min((nq + threads - 1) / threads, max(8, (4 << 20) / nlist)))
        var results = [[Neighbor]](repeating: [], count: nq)
        let failure = Mutex<VectorIndexError?>(nil)
        results.withUnsafeMutableBufferPointer { out in
            let outBox = SendableBox(out.baseAddress!)
            queries.withUnsafeBufferPointer { q in
                let qBox = SendableBox(q.baseAddress!)
                Parallel.chunks(total: nq, chunk: block, threads: threads) { range, _ in
                    do {
                        let found = try self.searchBlock(qBox.value + range.lowerBound * d, count: range.count, k: k, options: options)
                        for (i, r) in found.enumerated() { (outBox.value + range.lowerBound + i).pointee = r }
                    } catch {
                        let e = error as? VectorIndexError ?? VectorIndexError.io(self.path, "\(error)")
                        failure.withLock { if $0 == nil { $0 = e } }
                    }
                }
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
        return results
    }

    /// The `nprobe` highest of `count` scores (indexes, any order). Takes the maximum of each run of 32
    /// scores (lane-wise selects, which LLVM turns into `vmaxps`) and looks at the run only when that
    /// maximum beats the current threshold, which after the first few runs is rare.
    static func bestLists(_ scores: UnsafePointer<Float>, count: Int, nprobe: Int) -> [Int] {
        var best = TopK(k: nprobe)
        var threshold = best.threshold
        @inline(__always) func vmax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            var m = a
            for j in 0..<8 { m[j] = a[j] > b[j] ? a[j] : b[j] }
            return m
        }
        var l = 0
        while l + 32 <= count {
            let m = vmax(vmax(load8(scores, l), load8(scores, l + 8)), vmax(load8(scores, l + 16), load8(scores, l + 24)))
            var top = m[0]
            for j in 1..<8 { top = top > m[j] ? top : m[j] }
            if top > threshold {
                for j in l..<(l + 32) where scores[j] > threshold {
                    best.push(score: scores[j], id: Int64(j), row: j)
                    threshold = best.threshold
                }
            }
            l += 32
        }
        for j in l..<count where scores[j] > threshold {
            best.push(score: scores[j], id: Int64(j), row: j)
            threshold = best.threshold
        }
        return best.entries.map(\.row)
    }

    private func searchBlock(_ queries: UnsafePointer<Float>, count nq: Int, k: Int, options: SearchOptions) throws -> [[Neighbor]] {
        let d = dimension
        let nprobe = max(1, min(options.nprobe, nlist))
        let rerank = !encoding.isExact && storesVectors && options.rerankFactor > 0
        let kScan = rerank ? options.rerankCandidates.map { max(k, $0) } ?? k * options.rerankFactor : k
        // 1–2. Coarse quantizer (BLAS) in sub-blocks whose score matrix stays in cache (~2 MB, reused),
        // then the nprobe best lists per query, as (list, query) pairs sorted by list.
        let coarseRows = max(8, min(256, (1 << 19) / nlist))
        let coarse = UnsafeMutablePointer<Float>.allocate(capacity: min(nq, coarseRows) * nlist)
        defer { coarse.deallocate() }
        var pairs: [UInt64] = []
        pairs.reserveCapacity(nq * nprobe)
        var q0 = 0
        while q0 < nq {
            let m = min(coarseRows, nq - q0)
            quantizer.scores(queries + q0 * d, stride: d, count: m, into: coarse)
            for qi in 0..<m {
                let best = Self.bestLists(coarse + qi * nlist, count: nlist, nprobe: nprobe)
                for l in best { pairs.append(UInt64(l) << 32 | UInt64(q0 + qi)) }
            }
            q0 += m
        }
        pairs.sort()
        // 3. Scan.
        var heaps = (0..<nq).map { _ in TopK(k: kScan) }
        let prepared = encoding.prepare(batch: queries, count: nq, metric: metric)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxListCount + 31))
        defer { scores.deallocate() }
        let ids = idsBase
        let tombstones = delta.baseTombstones
        let filter = options.filter
        let codeSize = encoding.codeSize
        // Residual encodings (PQ) prepare each (query, list) pair: tables from q − c(list), or q·c(list).
        let perList = encoding.needsListPreparation
        var listQuery = PreparedQuery(a: [], b: [], bias: 0)
        // Unpadded pq4fs lists: tails scored as a block when several queries of the block probe the list
        // (the block is allocated for those files only).
        var tail = encodingKind == .pq4fs && layout.compactTails ? FastScanTailBlock(codeSize: codeSize) : nil
        defer { tail?.deallocate() }
        for (index, pair) in pairs.enumerated() {
            let list = Int(pair >> 32), qi = Int(pair & 0xFFFF_FFFF)
            let entry = lists[list]
            let added = delta.entriesByList[list]
            if perList && (entry.count > 0 || !added.isEmpty) {
                encoding.prepare(prepared[qi], list: list, metric: metric, into: &listQuery)
            }
            if entry.count > 0 {
                let codes = try self.codes(of: list)
                // Padded lists (older pq4fs files) are scored whole; only the first entry.count scores are read.
                let rows = codeRows(of: list)
                let query = perList ? listQuery : prepared[qi]
                let tailRows = tail == nil ? 0 : rows % 32
                if tailRows > 0 && (tail!.list == list || (index + 1 < pairs.count && pairs[index + 1] >> 32 == pair >> 32)) {
                    let full = rows - tailRows
                    if tail!.list != list { tail!.arrange(list: list, rows: codes + full * codeSize, count: tailRows, encoding: encoding) }
                    if full > 0 { encoding.score(query, metric: metric, codes: codes, count: full, into: scores) }
                    encoding.score(query, metric: metric, codes: tail!.block, count: 32, into: scores + full)
                } else if let terms = rowTerms(of: list, codes: codes) {
                    encoding.score(query, metric: metric, codes: codes, count: rows, rowTerms: terms, into: scores)
                } else {
                    encoding.score(query, metric: metric, codes: codes, count: rows, into: scores)
                }
                var threshold = heaps[qi].threshold
                for r in 0..<entry.count where scores[r] > threshold {
                    let id = Int64(littleEndian: ids[entry.firstRow + r])
                    if !tombstones.isEmpty && tombstones.contains(id) { continue }
                    if let filter, !filter.allows(id) { continue }
                    heaps[qi].push(score: scores[r], id: id, row: entry.firstRow + r, list: Int32(list))
                    threshold = heaps[qi].threshold
                }
            }
            if !added.isEmpty {
                delta.codes.withUnsafeBytes { c in
                    for e in added {
                        let i = Int(e)
                        encoding.score(perList ? listQuery : prepared[qi], metric: metric, codes: c.baseAddress! + i * codeSize, count: 1, into: scores)
                        let id = delta.ids[i]
                        if scores[0] > heaps[qi].threshold, filter?.allows(id) ?? true {
                            heaps[qi].push(score: scores[0], id: id, row: -1 - i)
                        }
                    }
                }
            }
        }
        // 4. Exact re-ranking from stored fp32 vectors: locate (and verify) every candidate first, then
        // score them in a tight loop so the out-of-order core overlaps their cache misses.
        guard rerank else { return heaps.map { $0.neighbors() } }
        var out: [[Neighbor]] = []
        out.reserveCapacity(nq)
        var vectors: [UnsafePointer<Float>] = []
        var exactScores = [Float](repeating: 0, count: kScan)
        try delta.vectors.withUnsafeBufferPointer { added in
            for qi in 0..<nq {
                let candidates = heaps[qi].entries
                vectors.removeAll(keepingCapacity: true)
                for c in candidates {
                    if c.row >= 0 {
                        let list = Int(c.list)
                        vectors.append(try storedVectors(of: list) + (c.row - lists[list].firstRow) * d)
                    } else {
                        vectors.append(added.baseAddress! + (-1 - c.row) * d)
                    }
                }
                let q = queries + qi * d
                for (i, v) in vectors.enumerated() { exactScores[i] = Kernels.score(metric, q, v, d) }
                var exact = TopK(k: k)
                for (i, c) in candidates.enumerated() { exact.push(score: exactScores[i], id: c.id, row: c.row) }
                out.append(exact.neighbors())
            }
        }
        return out
    }
}
