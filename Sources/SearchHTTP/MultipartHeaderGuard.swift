/// Refuses a non-ASCII byte in a part's header *name* before MultipartKit's parser sees it.
///
/// Why: MultipartKit 4's `MultipartParser` checks header-name bytes against a 128-entry table indexed
/// by the byte itself, so a byte ≥ 0x80 there traps ("Index out of range") and takes the whole server
/// down with one request (found twice by `Fuzz/multipart`). Header values (UTF-8 file names) and bodies
/// are not touched.
///
/// The guard runs the parser's own state machine byte for byte (`MultipartParser.swift` of
/// multipart-kit 4.7: the preamble, `\r\n--boundary` delimiters, header lines, the epilogue after
/// `--boundary-`), so it is in a header name exactly when the parser is. An earlier version matched
/// `--boundary` anywhere and stopped at the first `--boundary--`; a body holding `\n--boundary--` (no CR:
/// not a delimiter for the parser) switched it off while the parser read on into later header names.
/// Streaming: the state carries across chunks.
struct MultipartHeaderGuard {
    private enum State {
        /// Before the first delimiter; the parser also takes `--boundary` without the CRLF here.
        case preamble
        /// In a body, matching `\r\n--boundary` (`matched` bytes of it so far).
        case body
        /// Right after a delimiter: CR starts the headers, `-` the epilogue.
        case afterDelimiter
        case preHeadersLF
        /// In a header name; `empty` until its first byte.
        case name(empty: Bool)
        case value
        case postValueLF
        case postHeadersLF
        /// After the closing delimiter, or after bytes the parser refuses (it throws there and stops).
        case done
    }

    /// `\r\n--boundary`, the parser's delimiter.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var matched = 0

    private static let cr: UInt8 = 13, lf: UInt8 = 10, hyphen: UInt8 = 45, colon: UInt8 = 58

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// False when `bytes` put a byte ≥ 0x80 into a part header's name.
    mutating func accepts(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes {
            switch state {
            case .preamble:
                // MultipartParser.parsePreamble: skipping the initial CRLF is allowed.
                if matched == 0, byte == delimiter[2] {
                    matched = 3
                } else if byte == delimiter[matched] {
                    matched += 1
                } else if matched > 0, byte == delimiter[0] {
                    matched = 1
                } else {
                    matched = 0
                }
                if matched == delimiter.count { state = .afterDelimiter; matched = 0 }
            case .body:
                // parseBody / parseBoundary: a mismatch restarts at 1 on CR, else at 0.
                if byte == delimiter[matched] {
                    matched += 1
                } else {
                    matched = byte == delimiter[0] ? 1 : 0
                }
                if matched == delimiter.count { state = .afterDelimiter; matched = 0 }
            case .afterDelimiter:
                state = byte == Self.cr ? .preHeadersLF : .done  // '-': the epilogue; anything else: a syntax error
            case .preHeadersLF:
                state = byte == Self.lf ? .name(empty: true) : .done
            case .name(let empty):
                if byte == Self.colon, !empty {
                    state = .value
                } else if byte == Self.cr, empty {
                    state = .postHeadersLF
                } else if byte >= 0x80 {
                    return false
                } else {
                    state = .name(empty: false)  // a disallowed ASCII byte makes the parser throw: harmless
                }
            case .value:
                if byte == Self.cr { state = .postValueLF }
            case .postValueLF:
                state = byte == Self.lf ? .name(empty: true) : .done
            case .postHeadersLF:
                state = byte == Self.lf ? .body : .done
                matched = 0
            case .done:
                return true
            }
        }
        return true
    }
}
