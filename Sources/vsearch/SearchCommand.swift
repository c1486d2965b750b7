import ArgumentParser
import Catalog
import Embedding
import Foundation
import SearchEngine
import Tensor

/// `vsearch search --index DIR --text "QUERY" [--k 10] [--filter …] [--json]`: BM25 + MiniLM text search
/// over an index directory's catalog, fused with reciprocal rank fusion.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index by text: BM25 and semantic retrieval fused (reciprocal rank fusion).",
        discussion: """
            --filter takes comma-separated conditions, all of which must hold:
              kind=image|video, tag=NAME (repeatable), duration=MIN..MAX (seconds), added=FROM..TO (ISO dates).
            With --json each result prints one line:
              {"rank","id","kind","score","path","title","timestamp","moments","sources":{"bm25"|"semantic": rank}}
            """)

    @Option(help: "Index directory (holding catalog.sqlite).")
    var index: String

    @Option(help: "Query text.")
    var text: String

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

    @Flag(help: "One JSON object per line on stdout.")
    var json = false

    private var name: String { Self.configuration.commandName! }

    func validate() throws {
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
        let directory = URL(fileURLWithPath: index)
        let catalogPath = directory.appendingPathComponent(TextSearchIndex.catalogFileName).path
        guard FileManager.default.fileExists(atPath: catalogPath) else {
            TextCommandSupport.error(name, "\(index): no \(TextSearchIndex.catalogFileName) in this directory (build the index first)")
            throw ExitCode(1)
        }
        let encoder = try TextCommandSupport.loadTextEncoder(name, model: model)
        BLAS.threadCount = threads
        let options = TextSearchOptions(
            k: k, filter: try filter.map(CatalogFilter.init(parsing:)) ?? CatalogFilter(),
            fusion: ReciprocalRankFusion(k: rrfK, weights: [.bm25: bm25Weight, .semantic: semanticWeight]))
        let results: [SearchResult]
        do {
            let searchIndex = try TextSearchIndex(directory: directory, encoder: encoder)
            results = try searchIndex.search(text, options: options)
        } catch {
            TextCommandSupport.error(name, "\(error)")
            throw ExitCode(1)
        }
        for result in results {
            print(json ? Self.jsonLine(result) : Self.textLine(result))
        }
    }

    static func jsonLine(_ r: SearchResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\"\($0.key.rawValue)\":\($0.value)" }.joined(separator: ",")
        // Text queries match whole items: there is no best moment (`timestamp` null, `moments` empty).
        return "{\"rank\":\(r.rank),\"id\":\(TextCommandSupport.jsonString(r.item.id)),\"kind\":\"\(r.item.kind.rawValue)\","
            + "\"score\":\(r.score),\"path\":\(TextCommandSupport.jsonString(r.item.source)),"
            + "\"title\":\(TextCommandSupport.jsonString(r.item.title)),\"timestamp\":null,\"moments\":[],"
            + "\"sources\":{\(sources)}}"
    }

    static func textLine(_ r: SearchResult) -> String {
        let sources = r.sources.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) #\($0.value)" }.joined(separator: ", ")
        return "\(r.rank). \(r.item.title)  [\(r.item.kind.rawValue) \(r.item.id)]  score "
            + String(format: "%.5f", r.score) + "  (\(sources))"
    }
}
