/// The tail of one unpadded pq4fs list (its last `count % 32` codes, stored as rows: see
/// `IVFFileLayout.compactTails`) copied into a zero-padded 32-row block in the fast-scan layout, so that the
/// SIMD kernel scores it instead of the row loop.
///
/// A search block visits its (list, query) pairs grouped by list, so the block is arranged once per list
/// and reused by the following queries of that list; a list probed by one query keeps the row loop, which
/// costs about what arranging would. Padding lives here, in 16·m bytes per search thread, not in the file.
struct FastScanTailBlock {
    /// The list whose tail `block` holds (−1: none yet).
    private(set) var list = -1
    let block: UnsafeMutableRawPointer
    private let codeSize: Int

    init(codeSize: Int) {
        self.codeSize = codeSize
        block = UnsafeMutableRawPointer.allocate(byteCount: 32 * codeSize, alignment: 64)
    }

    func deallocate() { block.deallocate() }

    /// Arranges `count` (< 32) row codes of `list` as one block padded with zero codes.
    mutating func arrange(list: Int, rows: UnsafeRawPointer, count: Int, encoding: any VectorEncoding) {
        block.initializeMemory(as: UInt8.self, repeating: 0, count: 32 * codeSize)
        block.copyMemory(from: rows, byteCount: count * codeSize)
        encoding.arrangeList(block, count: 32)
        self.list = list
    }
}
