// HTTPBenchIndex: grows a built index into a ≥ 100k-item one for scripts/bench-http, cheaply.
//
//   HTTPBenchIndex grow DIR MOVIES.jsonl COPIES [--seed S]
//
// DIR must hold a published index (scripts/bench-http builds it with `vsearch build` over the sample
// photos and videos: real CNN embeddings). Into its serving version this adds, through the same library
// calls `vsearch add` uses (catalog upserts with MiniLM text vectors, IVF log appends):
//   - every film of MOVIES.jsonl (Wikidata via bokeh-sampledata, CC0) COPIES times under distinct ids
//     `<id>-c<n>` (each film's text embedded once with MiniLM, the copies reuse the vector, as
//     scripts/bench-text does), kind, source and metadata as in the corpus;
//   - one 1280-d unit visual vector per added item, drawn from a seeded mixture of 512 Gaussian
//     clusters (embedding every item with the CNN would take ~25 min of both cores; the IVF's search cost
//     depends on the count, dimension and list sizes, not on where the vectors came from);
// then retrains the IVF coarse quantizer for the new size and compacts it (what `build --refresh` does).
import Catalog
import Embedding
import Foundation
import SearchEngine
import VectorIndex

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("HTTPBenchIndex: \(message)\n".utf8))
    exit(1)
}

func now() -> Double { Date().timeIntervalSince1970 }

/// SplitMix64 + Box–Muller: deterministic Gaussian samples.
struct Gaussian {
    var state: UInt64
    var spare: Float?
    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(nextUInt64() >> 40) / Float(1 << 24) + 1e-7 }
    mutating func next() -> Float {
        if let s = spare { spare = nil; return s }
        let u = uniform(), v = uniform()
        let r = (-2 * log(u)).squareRoot(), t = 2 * Float.pi * v
        spare = r * sin(t)
        return r * cos(t)
    }
}

func normalize(_ v: inout ArraySlice<Float>) {
    var sum: Float = 0
    for x in v { sum += x * x }
    let scale = 1 / max(sum.squareRoot(), 1e-12)
    for i in v.indices { v[i] *= scale }
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 4, args[0] == "grow", let copies = Int(args[3]), copies >= 1 else {
    fail("usage: HTTPBenchIndex grow DIR MOVIES.jsonl COPIES [--seed S]")
}
let seed = args.count >= 6 && args[4] == "--seed" ? UInt64(args[5]) ?? 7 : 7
let index = IndexDirectory(path: args[1])
let serving = (try? index.servingDirectory()) ?? { fail("\(args[1]): no published index (run vsearch build first)") }()
let films = try ItemManifest.items(contentsOf: URL(fileURLWithPath: args[2]))
guard let modelDirectory = TextModelLocator.miniLMDirectory() else { fail("MiniLM model not found: run scripts/setup") }
let encoder = try TextEncoder(modelDirectory: modelDirectory)
let text = try TextSearchIndex(directory: URL(fileURLWithPath: serving), encoder: encoder, searchable: false)
let writer = try IVFIndexWriter(directory: serving + "/" + IndexDirectory.visualFolder)
let dimension = ImageEncoder.embeddingDimension

var start = now()
var textVectors: [[Float]?] = []
textVectors.reserveCapacity(films.count)
for chunk in stride(from: 0, to: films.count, by: 256) {
    textVectors += TextSearchIndex.textVectors(of: Array(films[chunk..<min(films.count, chunk + 256)]), encoder: encoder)
    FileHandle.standardError.write(Data(String(format: "\rMiniLM: %d/%d films (%.0f/s)   ", textVectors.count, films.count,
                                               Double(textVectors.count) / (now() - start)).utf8))
}
print(String(format: "\nembedded %d film texts in %.1f s", films.count, now() - start))

var random = Gaussian(state: seed)
let clusters = 512
var centers = [Float](repeating: 0, count: clusters * dimension)
for c in 0..<clusters {
    for j in 0..<dimension { centers[c * dimension + j] = random.next() }
    var slice = centers[(c * dimension)..<((c + 1) * dimension)]
    normalize(&slice)
    centers.replaceSubrange((c * dimension)..<((c + 1) * dimension), with: slice)
}

start = now()
var added = 0
for copy in 0..<copies {
    for chunk in stride(from: 0, to: films.count, by: 2048) {
        let range = chunk..<min(films.count, chunk + 2048)
        let items = range.map { i -> CatalogItem in
            var item = films[i]
            item.id = "\(films[i].id)-c\(copy)"
            item.contentHash = nil
            return item
        }
        let keys = try text.add(items, textVectors: Array(textVectors[range]))
        var vectors = [Float](repeating: 0, count: keys.count * dimension)
        for row in 0..<keys.count {
            let c = Int(random.nextUInt64() % UInt64(clusters))
            for j in 0..<dimension { vectors[row * dimension + j] = centers[c * dimension + j] + 0.6 * random.next() / Float(dimension).squareRoot() }
            var slice = vectors[(row * dimension)..<((row + 1) * dimension)]
            normalize(&slice)
            vectors.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: slice)
        }
        try writer.add(vectors, ids: keys.map { VisualVectorID.make(key: $0, frame: 0) })
        added += keys.count
        FileHandle.standardError.write(Data(String(format: "\radded %d/%d items (%.0f/s)   ", added, films.count * copies,
                                                   Double(added) / (now() - start)).utf8))
    }
}
print(String(format: "\nadded %d items with text and visual vectors in %.1f s", added, now() - start))
start = now()
try writer.retrain(nlist: nil, threads: 2)
let ivf = try writer.index()
print(String(format: "retrained and compacted the IVF: %d vectors, %d lists, in %.1f s", ivf.count, ivf.nlist, now() - start))
print("catalog items: \(try text.catalog.count())")
