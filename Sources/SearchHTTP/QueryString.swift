/// `application/x-www-form-urlencoded` query strings (`?q=red+car&k=5`), decoded strictly: `+` is a
/// space, `%XX` a byte; a value whose bytes are not UTF-8 is reported, not replaced or dropped.
struct QueryString: Sendable {
    /// Values in order; `nil` marks a value that is not valid UTF-8 after decoding.
    private(set) var pairs: [(name: String, value: String?)] = []

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(kv[0]) else { continue }
            pairs.append((name, kv.count > 1 ? Self.decode(kv[1]) : ""))
        }
    }

    /// The first value of `name`: `.some(nil)` when present but not UTF-8.
    func first(_ name: String) -> String?? {
        guard let pair = pairs.first(where: { $0.name == name }) else { return .none }
        return .some(pair.value)
    }

    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let h = hexValue(high), let l = hexValue(low) else { return nil }
                bytes.append(h << 4 | l)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
