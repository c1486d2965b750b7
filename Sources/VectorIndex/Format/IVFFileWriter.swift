import Parallelism

/// Writes one immutable base file: lists grouped in list order, per-list hashes in the directory.
///
/// Memory stays bounded for any `N`: vectors are read from the source by row (an mmapped fvecs file
/// stays on disk), and codes are produced one group of lists at a time into a buffer of at most
/// `bufferBytes`, written with `pwrite`. The file is written to `path` (a temporary name chosen by the
/// caller) and fsynced; publishing (rename + directory fsync + manifest) is the caller's job.
struct IVFFileWriter {
    var bufferBytes = 256 << 20
    var threads = 1
    /// Pad pq4fs lists to whole blocks (the layout before `IVFFileLayout.compactTails`; tests only).
    var padsFastScanLists = false

    struct Input {
        var dimension: Int
        var metric: Metric
        var centroids: [Float]
        var encoding: any VectorEncoding
        var storeVectors: Bool
        var indexVersion: UInt64
        /// Row → list (`source.count` entries).
        var assignment: [Int32]
        /// Row → id; `nil` means the row number.
        var ids: [Int64]?
    }

    func write(_ input: Input, source: some VectorSource, to path: String) throws {
        let d = input.dimension, nlist = input.centroids.count / d, n = source.count
        let encoding = input.encoding
        // Counting sort of rows by list.
        var counts = [Int](repeating: 0, count: nlist)
        for a in input.assignment { counts[Int(a)] += 1 }
        // pq4fs lists are written unpadded: full blocks, then the tail as rows (IVFFileLayout.compactTails).
        let compactTails = encoding.kind == .pq4fs && !padsFastScanLists
        let codeRows = counts.reduce(0) { $0 + IVFFileLayout.codeRows(ofList: $1, encoding: encoding.kind, compactTails: compactTails) }
        var layout = IVFFileLayout.plan(dimension: d, metric: input.metric, encoding: encoding.kind, codeSize: encoding.codeSize,
                                        parameterBytes: encoding.parameters.count, nlist: nlist, count: n,
                                        storesVectors: input.storeVectors, indexVersion: input.indexVersion,
                                        subquantizers: encoding.subquantizers, codeRows: codeRows, rotated: encoding.hasRotation,
                                        compactTails: compactTails)
        var first = [Int](repeating: 0, count: nlist + 1)
        for l in 0..<nlist { first[l + 1] = first[l] + counts[l] }
        var order = [Int32](repeating: 0, count: n)
        var cursor = first
        for (row, a) in input.assignment.enumerated() {
            order[cursor[Int(a)]] = Int32(row)
            cursor[Int(a)] += 1
        }

        let file = try WritableFile(creating: path)
        defer { file.close() }
        try file.truncate(to: layout.fileSize)

        func writeSmall(_ section: IVFFileLayout.Section, _ bytes: [UInt8]) throws {
            layout[section].checksum = XXHash64.hash(bytes)
            try file.write(bytes, at: layout[section].offset)
        }
        try writeSmall(.centroids, input.centroids.withUnsafeBytes { Array($0) })
        try writeSmall(.encoding, encoding.parameters)

        var codesHash = [UInt64](repeating: 0, count: nlist)
        var idsHash = [UInt64](repeating: 0, count: nlist)
        var vectorsHash = [UInt64](repeating: 0, count: nlist)
        // Padded pq4fs lists (tests of older files): each list rounded up to whole blocks (order −1: a zero code).
        var codeFirst = first, codeOrder = order
        if layout.codeRows > n {
            codeOrder = []
            codeOrder.reserveCapacity(codeRows)
            for l in 0..<nlist {
                codeFirst[l] = codeOrder.count
                codeOrder += order[first[l]..<first[l + 1]]
                codeOrder += repeatElement(-1, count: layout.codeRows(ofList: counts[l]) - counts[l])
            }
            codeFirst[nlist] = codeOrder.count
        }
        let assignment = input.assignment
        try writeLists(file: file, section: layout[.codes], rowBytes: encoding.codeSize, first: codeFirst, order: codeOrder,
                       hashes: &codesHash, arrange: { encoding.arrangeList($0, count: $1) }) { row, dst in
            source.withRows(row..<(row + 1)) { p, _ in encoding.encode(p, list: Int(assignment[row]), into: dst) }
        }
        let ids = input.ids
        try writeLists(file: file, section: layout[.ids], rowBytes: 8, first: first, order: order, hashes: &idsHash) { row, dst in
            dst.storeBytes(of: (ids?[row] ?? Int64(row)).littleEndian, as: Int64.self)
        }
        if input.storeVectors {
            try writeLists(file: file, section: layout[.vectors], rowBytes: 4 * d, first: first, order: order,
                           hashes: &vectorsHash) { row, dst in
                source.withRows(row..<(row + 1)) { p, _ in dst.copyMemory(from: p, byteCount: 4 * d) }
            }
        }
        var dir = ByteWriter()
        for l in 0..<nlist {
            dir.u64(UInt64(first[l])); dir.u64(UInt64(counts[l]))
            dir.u64(codesHash[l]); dir.u64(idsHash[l]); dir.u64(vectorsHash[l])
        }
        try writeSmall(.directory, dir.bytes)
        try file.write(layout.headerBytes(), at: 0)
        try file.sync()
    }

    /// Fills `section` list by list: `fill(row, destination)` writes one row's `rowBytes`; lists are
    /// processed in groups that fit the buffer, in parallel within a group (disjoint destinations).
    /// `arrange(rows, count)` then puts each list's rows into the encoding's layout; buffer-sized pieces
    /// of a large list hold a multiple of 32 rows, so a piece is a run of whole 32-row blocks (plus the
    /// list's tail in its last piece).
    private func writeLists(file: WritableFile, section: IVFFileLayout.SectionEntry, rowBytes: Int, first: [Int],
                            order: [Int32], hashes: inout [UInt64],
                            arrange: ((UnsafeMutableRawPointer, Int) -> Void)? = nil,
                            fill: @escaping @Sendable (Int, UnsafeMutableRawPointer) -> Void) throws {
        let nlist = first.count - 1
        let maxRows = max(32, bufferBytes / max(rowBytes, 1) / 32 * 32)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, min(order.count, maxRows) * rowBytes), alignment: 64)
        defer { buffer.deallocate() }
        var l = 0
        while l < nlist {
            // A group: consecutive lists whose rows fit the buffer (a list larger than the buffer alone
            // gets a group of its own, written in buffer-sized pieces below).
            var end = l + 1
            while end < nlist && first[end + 1] - first[l] <= maxRows { end += 1 }
            let groupFirst = first[l], groupRows = first[end] - first[l]
            var pieceStart = 0
            var runningHash: [UInt8] = []  // only for a list larger than the buffer
            while pieceStart < groupRows || (groupRows == 0 && pieceStart == 0) {
                let pieceRows = min(maxRows, groupRows - pieceStart)
                let box = SendableBox((buffer, order))
                let base = groupFirst + pieceStart
                Parallel.chunks(total: pieceRows, chunk: 4096, threads: threads) { r, _ in
                    let (buf, ord) = box.value
                    for i in r {
                        let row = Int(ord[base + i])
                        if row >= 0 { fill(row, buf + i * rowBytes) } else { (buf + i * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes) }
                    }
                }
                if let arrange {
                    if end == l + 1 && groupRows > maxRows {
                        arrange(buffer, pieceRows)
                    } else {
                        for list in l..<end { arrange(buffer + (first[list] - base) * rowBytes, first[list + 1] - first[list]) }
                    }
                }
                try file.write(UnsafeRawBufferPointer(start: buffer, count: pieceRows * rowBytes),
                               at: section.offset + base * rowBytes)
                if end == l + 1 && groupRows > maxRows {
                    runningHash += Array(UnsafeRawBufferPointer(start: buffer, count: pieceRows * rowBytes))
                } else {
                    for list in l..<end {
                        let off = (first[list] - base) * rowBytes
                        hashes[list] = XXHash64.hash(base: buffer + off, count: (first[list + 1] - first[list]) * rowBytes)
                    }
                }
                pieceStart += pieceRows
                if groupRows == 0 { break }
            }
            if end == l + 1 && groupRows > maxRows { hashes[l] = XXHash64.hash(runningHash) }
            l = end
        }
    }
}
