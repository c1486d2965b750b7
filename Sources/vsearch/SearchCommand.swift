import ArgumentParser
import Catalog
import Embedding
import Foundation
import SearchEngine
import Imaging
import Tensor

/// `vsearch search --index DIR (--image FILE | --text "QUERY") [--k 10] [--filter …] [--json]`: visual
/// search (frames folded into videos with moments) and/or BM25 + MiniLM text search over the serving
/// version of an index directory, fused with reciprocal rank fusion.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index by image and/or text: visual, BM25 and semantic retrieval fused (reciprocal rank fusion).",
        discussion: """
            --filter takes comma-separated conditions, all of which must hold:
              kind=image|video, tag=NAME (repeatable), duration=MIN..MAX (seconds), added=FROM..TO (ISO dates).
            With --json each result prints one line:
              {"rank","id","kind","score","path","title","timestamp","moments","sources":{"visual"|"bm25"|"semantic": rank}}
            score: an image-only query gives the cosine similarity (a video's best frame), otherwise the RRF score.
            """)

    @Option(help: "Index directory (built by vsearch build; or a flat one holding catalog.sqlite).")
    var index: String

    @Option(help: "Query text.")
    var text: String?

    @Option(help: "Query image (JPEG or PNG).")
    var image: String?

    @Option(help: "RRF weight of the visual ranking.")
    var visualWeight: Double = 1

    @Option(help: "IVF lists probed (image queries; default: the index's saved default from eval --ann --save, else 32).")
    var nprobe: Int?

    @Option(help: "Number of results.")
    var k: Int = 10

    @Option(help: "Conditions, e.g. kind=video,tag=drama,duration=..5400,added=2001-01-01..")
    var filter: String?

    @Option(help: "RRF weight of the BM25 ranking.")
    var bm25Weight: Double = 1

    @Option(help: "RRF weight of the semantic ranking.")
    var semanticWeight: Double = 1

    @Option(help: "RRF constant k.")
    var rrfK: Double = 60

    @Option(help: "Directory holding the MiniLM model (default: $VSEARCH_MODELS/minilm or assets/models/minilm).")
    var model: String?

    @Option(help: "BLAS threads.")
    var threads: Int = 1

    @Option(help: ArgumentHelp(PrecisionDefaults.help + " Default: the one the index was built with."))
    var precision: EncoderPrecision?

    @Flag(help: "One JSON object per line on stdout.")
    var json = false

    private var name: String { Self.configuration.commandName! }

    func validate() throws {
        guard text != nil || image != nil else { throw TextCommandSupport.usage(name, "give --image FILE, --text QUERY, or both") }
        guard (nprobe ?? 1) >= 1 else { throw TextCommandSupport.usage(name, "--nprobe must be at least 1") }
        guard visualWeight >= 0, visualWeight.isFinite else { throw TextCommandSupport.usage(name, "weights must be finite and ≥ 0") }
        guard (1...1000).contains(k) else { throw TextCommandSupport.usage(name, "--k must be 1…1000") }
        guard (1...64).contains(threads) else { throw TextCommandSupport.usage(name, "--threads must be 1…64") }
        guard bm25Weight >= 0, semanticWeight >= 0, bm25Weight.isFinite, semanticWeight.isFinite else {
            throw TextCommandSupport.usage(name, "weights must be finite and ≥ 0")
        }
        guard rrfK >= 0, rrfK.isFinite else { throw TextCommandSupport.usage(name, "--rrf-k must be finite and ≥ 0") }
        if let filter {
            do { _ = try CatalogFilter(parsing: filter) } catch { throw TextCommandSupport.usage(name, "\(error)") }
        }
    }

    func run() throws {
        let directory = IndexDirectory(path: index)
        do {
            _ = try IndexSearcher.resolve(directory)
        } catch {
            TextCommandSupport.error(name, "\(error)")
            throw ExitCode(1)
        }
        let encoder = try TextCommandSupport.loadTextEncoder(name, model: model)
        BLAS.threadCount = threads
        let filter = try filter.map(CatalogFilter.init(parsing:)) ?? CatalogFilter()
        let fusion = ReciprocalRankFusion(k: rrfK, weights: [.bm25: bm25Weight, .semantic: semanticWeight, .visual: visualWeight])
        do {
            let searcher = try IndexSearcher(index: directory, textEncoder: encoder)
            guard let image else {
                // Text only: the text index's own ranking (BM25 + semantic).
                let results = try searcher.text.search(text!, options: TextSearchOptions(k: k, filter: filter, fusion: fusion))
                for result in results { print(json ? Self.jsonLine(result) : Self.textLine(result)) }
                return
            }
            let imageEncoder = try ImageEncoder(threads: threads, precision: precision ?? IndexPrecision.serving(directory))
            let embedding: [Float]
            do {
                embedding = try IndexSearcher.embed(imageAt: image, encoder: imageEncoder)
            }
            let results = try searcher.search(embedding: embedding, text: text,
                                              options: QueryOptions(k: k, filter: filter, fusion: fusion, nprobe: nprobe))
            for result in results { print(json ? Self.jsonLine(result) : Self.textLine(result)) }
        } catch {
            TextCommandSupport.error(name, "\(error)")
            throw ExitCode(1)
        }
    }

    static func jsonLine(_ r: QueryResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\"\($0.key.rawValue)\":\($0.value)" }.joined(separator: ",")
        let moments = r.moments.map { "{\"timestamp\":\($0.timestamp),\"score\":\($0.score)}" }.joined(separator: ",")
        return "{\"rank\":\(r.rank),\"id\":\(JSONText.string(r.item.id)),\"kind\":\"\(r.item.kind.rawValue)\","
            + "\"score\":\(r.score),\"path\":\(JSONText.string(r.item.source)),"
            + "\"title\":\(JSONText.string(r.item.title)),\"timestamp\":\(r.timestamp.map { "\($0)" } ?? "null"),"
            + "\"moments\":[\(moments)],\"sources\":{\(sources)}}"
    }

    static func textLine(_ r: QueryResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) #\($0.value)" }.joined(separator: ", ")
        let moment = r.timestamp.map { String(format: " at %.1f s", $0) } ?? ""
        return "\(r.rank). \(r.item.title)\(moment)  [\(r.item.kind.rawValue) \(r.item.id)]  score "
            + String(format: "%.4f", r.score) + "  (\(sources))  \(r.item.source)"
    }

    static func jsonLine(_ r: SearchResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\"\($0.key.rawValue)\":\($0.value)" }.joined(separator: ",")
        // Text queries match whole items: there is no best moment (`timestamp` null, `moments` empty).
        return "{\"rank\":\(r.rank),\"id\":\(JSONText.string(r.item.id)),\"kind\":\"\(r.item.kind.rawValue)\","
            + "\"score\":\(r.score),\"path\":\(JSONText.string(r.item.source)),"
            + "\"title\":\(JSONText.string(r.item.title)),\"timestamp\":null,\"moments\":[],"
            + "\"sources\":{\(sources)}}"
    }

    static func textLine(_ r: SearchResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) #\($0.value)" }.joined(separator: ", ")
        return "\(r.rank). \(r.item.title)  [\(r.item.kind.rawValue) \(r.item.id)]  score "
            + String(format: "%.5f", r.score) + "  (\(sources))"
    }
}
