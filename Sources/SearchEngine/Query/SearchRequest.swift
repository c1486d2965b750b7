/// A query image: already embedded, a file, or bytes in memory (an upload).
public enum QueryImage: Sendable, Equatable {
    /// An EfficientNet-Lite0 embedding (1280 floats, unit length).
    case embedding([Float])
    /// A JPEG or PNG file, decoded and preprocessed exactly as indexed images are.
    case file(path: String)
    /// JPEG or PNG bytes; `name` labels errors (e.g. `upload 'cat.jpg'`).
    case bytes([UInt8], name: String)
}

/// "More like this": an item already in the index, searched with its stored vectors (no re-embedding).
public struct ItemQuery: Sendable, Equatable {
    public var id: String
    /// For a video: the moment (seconds) whose nearest sampled frame is the query; nil: the video's
    /// representative frames (up to ``QueryEngine/maximumItemQueryFrames``, evenly spread), each searched,
    /// hits folded per item. Ignored for images.
    public var at: Double?

    public init(id: String, at: Double? = nil) {
        self.id = id
        self.at = at
    }
}

/// One query for ``QueryEngine/search(_:)``: any combination of an image, an indexed item and text
/// (at least one), with its options.
public struct SearchRequest: Sendable, Equatable {
    public var image: QueryImage?
    /// The region of `image` to search by (nil: the whole image); only with an image.
    public var box: QueryBox?
    public var item: ItemQuery?
    /// Query text; empty or whitespace-only text counts as none.
    public var text: String?
    public var options: QueryOptions

    public init(image: QueryImage? = nil, box: QueryBox? = nil, item: ItemQuery? = nil, text: String? = nil,
                options: QueryOptions = QueryOptions()) {
        self.image = image
        self.box = box
        self.item = item
        self.text = text
        self.options = options
    }

    /// The text, or nil when it has no non-whitespace character.
    public var effectiveText: String? { text.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } }

    /// What was asked, as the response reports it: `image`, `item`, `text`, or a `+`-joined combination.
    public var kind: String {
        var parts: [String] = []
        if image != nil { parts.append("image") }
        if item != nil { parts.append("item") }
        if effectiveText != nil { parts.append("text") }
        return parts.joined(separator: "+")
    }
}
