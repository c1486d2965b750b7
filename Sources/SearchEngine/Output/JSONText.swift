/// JSON text for hand-built output: the CLI's `--json` lines (embeddings are large, and `JSONEncoder` per
/// field is several times slower), HTTP error bodies (where a failing encoder is not an option), build
/// markers. Structured DTOs use `JSONEncoder`.
public enum JSONText {
    /// `value` as a JSON string literal (RFC 8259: quotes, backslashes and control characters escaped;
    /// slashes and non-ASCII left as they are).
    public static func string(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
