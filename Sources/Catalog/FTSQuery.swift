import Foundation

/// A full-text query built from untrusted user text, safe to pass to FTS5 `MATCH`.
///
/// FTS5 has its own query language (`AND`, `OR`, `NOT`, `NEAR(…)`, `column:`, `^`, `+`, parentheses,
/// quotes, `*`); raw user text in it can fail to parse or change the meaning of the query. This type
/// reads user text with a tiny grammar of its own and emits only quoted strings:
///
/// - words: runs of letters and digits (anything else separates words);
/// - `word*`: a prefix query (a word of at least two characters directly followed by `*`);
/// - `"several words"`: a phrase (an unclosed quote runs to the end of the text).
///
/// Every word is emitted as an FTS5 string (`"word"`, `"word"*`, `"w1 w2"`) and the terms are joined
/// with `OR`, so BM25 ranks items matching more (and rarer) terms first. Since words contain only
/// letters and digits, no term can close its quotes; quotes are still doubled, as FTS5 escapes them.
/// Limits keep a 10,000-character query cheap: at most `maximumTerms` terms, words cut at 64 characters,
/// phrases at 16 words.
public struct FTSQuery: Sendable, Equatable {
    public enum Term: Sendable, Equatable, Hashable {
        case word(String)
        case prefix(String)
        case phrase([String])
    }

    public let terms: [Term]
    /// When true the terms are joined with AND (every term must match) instead of OR.
    public let requiresAllTerms: Bool

    /// A query of exactly these terms.
    public init(terms: [Term], requiresAllTerms: Bool = false) {
        self.terms = terms
        self.requiresAllTerms = requiresAllTerms
    }

    public static let maximumWordLength = 64
    public static let maximumPhraseWords = 16

    public init(_ text: String, maximumTerms: Int = 32) {
        var terms: [Term] = []
        var seen = Set<Term>()
        func add(_ term: Term) {
            if terms.count < maximumTerms, seen.insert(term).inserted { terms.append(term) }
        }
        var word = String.UnicodeScalarView()
        var wordLength = 0
        var phrase: [String]?
        func finishWord(prefix: Bool = false) {
            guard !word.isEmpty else { return }
            let text = String(word)
            word = String.UnicodeScalarView()
            wordLength = 0
            if phrase != nil {
                if phrase!.count < Self.maximumPhraseWords { phrase!.append(text) }
            } else if prefix && text.count >= 2 {
                add(.prefix(text))
            } else {
                add(.word(text))
            }
        }
        func finishPhrase() {
            guard let words = phrase else { return }
            phrase = nil
            if words.count == 1 { add(.word(words[0])) } else if words.count > 1 { add(.phrase(words)) }
        }
        for scalar in text.unicodeScalars {
            if Self.isWordScalar(scalar) {
                if wordLength < Self.maximumWordLength { word.append(scalar) }
                wordLength += 1
            } else if scalar == "\"" {
                finishWord()
                if phrase == nil { phrase = [] } else { finishPhrase() }
            } else if scalar == "*" {
                finishWord(prefix: true)
            } else {
                finishWord()
            }
        }
        finishWord()
        finishPhrase()
        self.terms = terms
        self.requiresAllTerms = false
    }

    /// The FTS5 `MATCH` expression, or nil when the text holds no searchable word (then search
    /// returns nothing rather than asking FTS5).
    public var expression: String? {
        guard !terms.isEmpty else { return nil }
        return terms.map { term in
            switch term {
            case .word(let w): Self.quote(w)
            case .prefix(let w): Self.quote(w) + "*"
            case .phrase(let words): Self.quote(words.joined(separator: " "))
            }
        }.joined(separator: requiresAllTerms ? " AND " : " OR ")
    }

    /// `word` as FTS5's `unicode61 remove_diacritics 2` tokenizer stores it: lower-cased, accents removed.
    public static func folded(_ word: String) -> String {
        if word.unicodeScalars.allSatisfy(\.isASCII) { return word.lowercased() }
        var scalars = String.UnicodeScalarView()
        for scalar in word.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Letters, digits and combining marks (which belong to the letter before them).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }
}
