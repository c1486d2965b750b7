import Foundation

/// The "basic" stage of the uncased BERT tokenizer: splits text into words before WordPiece.
///
/// The steps, in order, follow Google's `BasicTokenizer` and Hugging Face's `BertNormalizer` +
/// `BertPreTokenizer` (which `all-MiniLM-L6-v2` uses):
/// 1. clean: drop U+0000, U+FFFD and control/format characters (category C*), map whitespace to a space;
/// 2. put spaces around CJK ideographs, so each becomes a word of its own;
/// 3. lower-case (full Unicode mapping, per scalar), decompose to NFD and drop non-spacing marks
///    (category Mn), which strips accents: "Crème" → "creme";
/// 4. split on whitespace, then split every punctuation character off as a word of its own.
///
/// Everything works on Unicode scalars (code points), as the reference implementations do, never on
/// grapheme clusters.
public enum BertBasicTokenizer {
    /// The words of `text`, each as its scalars.
    public static func words(_ text: String) -> [[Unicode.Scalar]] {
        let normalized = normalize(text)
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized {
            if scalar.properties.isWhitespace {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Steps 1–3: cleaned, CJK-spaced, lower-cased, accent-stripped scalars.
    static func normalize(_ text: String) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.utf8.count)
        var isASCII = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0 || value == 0xFFFD { continue }
            if value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D {
                cleaned.append(" ")
                continue
            }
            if value < 0x80 {
                // ASCII: the only control characters are 0x00–0x1F and 0x7F.
                if value < 0x20 || value == 0x7F { continue }
                let lower = value >= 0x41 && value <= 0x5A ? value + 0x20 : value
                cleaned.append(Unicode.Scalar(lower)!)
                continue
            }
            isASCII = false
            let category = scalar.properties.generalCategory
            if category == .spaceSeparator {
                cleaned.append(" ")
            } else if isOther(category) {
                continue
            } else if isCJKIdeograph(value) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        if isASCII { return cleaned }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: cleaned)
        let decomposed = String(view).decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
    }

    /// Category C*: control, format, surrogate, private use, unassigned.
    static func isOther(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .control, .format, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }

    /// ASCII symbols count as punctuation too (BERT's rule: `$`, `+`, `^`, `` ` `` … split like `.`),
    /// plus every Unicode category P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value) {
            return true
        }
        if value < 0x80 { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT treats as single-character words (not Hiragana,
    /// Katakana or Hangul, which stay inside words).
    static func isCJKIdeograph(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
