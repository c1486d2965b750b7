/// Refuses a non-ASCII byte in a part's header *name* before MultipartKit's parser sees it.
///
/// Why: MultipartKit 4's `MultipartParser` checks header-name bytes against a 128-entry table indexed
/// by the byte itself, so a byte ≥ 0x80 there traps ("Index out of range") and takes the whole server
/// down with one request (found by `Fuzz/multipart`). Header values (UTF-8 file names) and bodies are
/// not touched. Streaming: the state carries across chunks, so a delimiter or a header line split
/// between two reads is still seen.
struct MultipartHeaderGuard {
    /// `--boundary`, matched anywhere: the parser takes the first one even without a line break before
    /// it, and a well-formed body never contains the boundary (the client chose one that it does not).
    private let delimiter: [UInt8]
    /// KMP failure function of `delimiter`.
    private let failure: [Int]
    private var matched: Int
    private var inHeaders = false
    private var inName = false
    /// After the closing delimiter (`--boundary--`): the epilogue, which holds no headers.
    private var finished = false
    /// Bytes seen since the last delimiter (to spot the closing `--`).
    private var sinceDelimiter = 0
    /// The last four bytes of the header block (to find the blank line that ends it).
    private var recent: UInt32 = 0

    init(boundary: String) {
        delimiter = Array("--\(boundary)".utf8)
        var failure = [Int](repeating: 0, count: delimiter.count)
        var k = 0
        for i in 1..<delimiter.count {
            while k > 0, delimiter[i] != delimiter[k] { k = failure[k - 1] }
            if delimiter[i] == delimiter[k] { k += 1 }
            failure[i] = k
        }
        self.failure = failure
        matched = 0
    }

    /// False when `bytes` put a byte ≥ 0x80 into a part header's name.
    mutating func accepts(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes where !finished {
            if inHeaders {
                sinceDelimiter += 1
                if sinceDelimiter <= 2, byte == UInt8(ascii: "-") {
                    if sinceDelimiter == 2 { finished = true }
                    continue
                }
                recent = recent << 8 | UInt32(byte)
                if recent == 0x0D0A_0D0A { inHeaders = false; matched = 0; continue }  // blank line: the body starts
                if byte == 0x0A { inName = true; continue }
                if byte == UInt8(ascii: ":") { inName = false }
                if inName, byte >= 0x80 { return false }
                continue
            }
            while matched > 0, byte != delimiter[matched] { matched = failure[matched - 1] }
            if byte == delimiter[matched] { matched += 1 }
            if matched == delimiter.count {
                // The rest of the delimiter line ("--" for the last one, or transport padding) holds no
                // header name; names start after its CRLF.
                inHeaders = true
                inName = false
                recent = 0
                sinceDelimiter = 0
                matched = 0
            }
        }
        return true
    }
}
