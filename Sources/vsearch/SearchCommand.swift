import ArgumentParser
import Catalog
import Embedding
import Foundation
import SearchEngine

/// `vsearch search --index DIR (--image FILE | --item ID [--at S] | --text "QUERY") [--k 10] [--filter …] [--json]`:
/// parses the options into a ``SearchRequest``, runs it on the one ``QueryEngine`` and prints the
/// ``SearchHit``s — the same type, field for field, as the HTTP service's results.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index by image, by an indexed item and/or by text: visual, BM25 and semantic retrieval fused (reciprocal rank fusion).",
        discussion: """
            --filter takes comma-separated conditions, all of which must hold (at most 64 values, 4096 bytes):
              kind=image|video, tag=NAME (repeatable), tag=a|b (either), -tag=draft (none of), auto_tag=NAME (the
              image model's labels), title~WORD (a word of the title), duration=MIN..MAX (seconds),
              added=FROM..TO (ISO dates); "-" negates kind, tag, auto_tag and title.
            --item ID searches with the stored vectors of an indexed item ("more like this"; the item itself is
            left out); for a video, --at S uses the frame nearest S seconds, else up to 8 of its frames.
            With --json each result prints one line:
              {"rank","id","kind","score","path","title","timestamp","moments":[{"timestamp","score"}],
               "sources":{"visual"|"bm25"|"semantic"|"concepts": rank},"scores":{"visual"|"bm25"|"semantic"|"concepts": score},
               "tags","duration","thumbnail"}
            score: a query without text gives the cosine similarity (a video's best frame), otherwise the RRF score.
            Paging: --k is the page size; --cursor "" asks for the first page and --cursor C (a next_cursor printed
            before) for the next one; with --cursor, --json prints one last line {"next_cursor":"…"|null} after the
            results (the text output a last line "next_cursor: …"). Up to 1000 results can be paged through.
            --min-similarity S drops results whose visual, semantic and concept similarities are all below S (before fusion).
            --box x,y,w,h (with --image) searches by that region of the image (fractions of its width and height).
            Text queries are also matched against the images' concept vectors (the CNN's classes carried into
            MiniLM space, source "concepts"), which reaches photos without captions; --concepts-weight 0 turns it off.
            --collapse folds near-duplicate results into the better one (listed under "duplicates").
            """)

    @OptionGroup var location: IndexOption
    @Option(help: "Query text.") var text: String?
    @Option(help: "Query image (JPEG or PNG).") var image: String?
    @Option(help: "With --image: search by this region of it, x,y,w,h as fractions of the image (e.g. 0.5,0,0.5,0.5 = the top-right quarter).") var box: String?
    @Option(help: "Id of an indexed item to find more like (its stored vectors; no re-embedding).") var item: String?
    @Option(help: "With --item and a video: the moment (seconds) whose frame is the query.") var at: Double?
    @OptionGroup var probing: NProbeOption
    @Option(help: "Number of results.") var k: Int = 10
    @Option(help: "Conditions, e.g. kind=video,tag=drama,duration=..5400,added=2001-01-01..") var filter: String?
    @OptionGroup var weights: FusionOptions
    @Option(help: "Directory holding the MiniLM model (default: $VSEARCH_MODELS/minilm or assets/models/minilm).") var model: String?
    @Option(help: "Threads of the query's image and text embedding.") var threads: Int = 1
    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Default: the one the index was built with.")) var precision: EncoderPrecision?
    @Option(help: "Paging: \"\" for the first page, or the next_cursor of the previous page; prints the next cursor last.") var cursor: String?
    @Option(help: "Drop results whose visual and semantic similarities (cosines) are all below this, before fusion.") var minSimilarity: Double?
    @Flag(help: "Fold near-duplicate results (visual cosine above the documented threshold) into the better one.") var collapse = false
    @Flag(help: "One JSON object per line on stdout.") var json = false

    private var name: String { Self.configuration.commandName! }

    func validate() throws {
        guard text != nil || image != nil || item != nil else {
            throw TextCommandSupport.usage(name, "give --image FILE, --item ID, --text QUERY, or a combination")
        }
        guard image == nil || item == nil else { throw TextCommandSupport.usage(name, "give --image or --item, not both") }
        if let box {
            guard image != nil else { throw TextCommandSupport.usage(name, "--box needs --image") }
            do { _ = try QueryBox(parsing: box) } catch { throw TextCommandSupport.usage(name, "\(error)") }
        }
        guard at == nil || item != nil else { throw TextCommandSupport.usage(name, "--at needs --item") }
        if let at { guard at.isFinite, at >= 0 else { throw TextCommandSupport.usage(name, "--at must be a number of seconds ≥ 0") } }
        guard (1...1000).contains(k) else { throw TextCommandSupport.usage(name, "--k must be 1…1000") }
        guard (1...64).contains(threads) else { throw TextCommandSupport.usage(name, "--threads must be 1…64") }
        if let minSimilarity {
            guard minSimilarity.isFinite, (-1...1).contains(minSimilarity) else {
                throw TextCommandSupport.usage(name, "--min-similarity must be a number from -1 to 1 (a cosine similarity)")
            }
        }
        if let filter {
            do { _ = try CatalogFilter(parsing: filter) } catch { throw TextCommandSupport.usage(name, "\(error)") }
        }
    }

    func run() throws {
        let snapshot = try TextCommandSupport.attempt(name) { try IndexSnapshot(index: location.directory, textVectors: text != nil) }
        // Only the models this query needs are loaded.
        var models = QueryModels()
        if text != nil { models.text = try TextCommandSupport.loadTextEncoder(name, model: model, threads: threads) }
        if image != nil {
            // The query embeds with the precision the index's vectors were made with, unless told otherwise.
            models.image = try TextCommandSupport.attempt(name) {
                try ImageEncoder(threads: threads, precision: precision ?? VersionRecords.precision.serving(location.directory))
            }
        }
        let fusion = weights.fusion
        let request = SearchRequest(
            image: image.map { .file(path: $0) }, box: try box.map(QueryBox.init(parsing:)), item: item.map { ItemQuery(id: $0, at: at) }, text: text,
            options: QueryOptions(k: k, filter: try filter.map(CatalogFilter.init(parsing:)) ?? CatalogFilter(), fusion: fusion, nprobe: probing.nprobe,
                                  minSimilarity: minSimilarity, cursor: cursor.flatMap { $0.isEmpty ? nil : $0 },
                                  collapseNearDuplicates: collapse))
        try TextCommandSupport.attempt(name) {
            let page = try QueryEngine(snapshot: snapshot, models: models).page(for: request)
            for hit in page.hits { print(json ? try ResultJSON.line(hit) : Self.textLine(hit)) }
            // Paging: the next cursor after the results, only when paging was asked for (--cursor).
            if cursor != nil {
                print(json ? try ResultJSON.line(NextCursorLine(nextCursor: page.nextCursor)) : "next_cursor: \(page.nextCursor ?? "none")")
            }
        }
    }

    /// The last `--json` line of a paged search.
    struct NextCursorLine: Encodable {
        @ExplicitNull var nextCursor: String?
        enum CodingKeys: String, CodingKey { case nextCursor = "next_cursor" }
    }

    static func textLine(_ hit: SearchHit) -> String {
        let sources = hit.sources.sorted { $0.key < $1.key }.map { "\($0.key) #\($0.value)" }.joined(separator: ", ")
        let moment = hit.timestamp.map { String(format: " at %.1f s", $0) } ?? ""
        let duplicates = (hit.duplicates ?? []).isEmpty ? "" : "  + \(hit.duplicates!.count) near-duplicate(s): "
            + hit.duplicates!.map(\.id).joined(separator: ", ")
        return "\(hit.rank). \(hit.title)\(moment)  [\(hit.kind) \(hit.id)]  score "
            + String(format: "%.4f", hit.score) + "  (\(sources))  \(hit.path)" + duplicates
    }
}
