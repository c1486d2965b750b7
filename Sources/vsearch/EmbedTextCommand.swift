import ArgumentParser
import SearchEngine
import Embedding
import Foundation
import Tensor

/// `vsearch embed-text "TEXT"... [--json]`: all-MiniLM-L6-v2 sentence embeddings (384 floats, L2-normalised).
struct EmbedTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text",
        abstract: "Embed texts with all-MiniLM-L6-v2 (384 floats, unit length).",
        discussion: """
            With --json each text prints one line: {"text","embedding":[384 floats]}.
            The model comes from --model, $VSEARCH_MODELS/minilm or assets/models/minilm (run scripts/setup).
            """)

    @Argument(help: "The texts to embed.") var texts: [String] = []
    @Option(help: "Texts per forward pass.") var batch: Int = 32
    @Option(help: "Directory holding model.safetensors and vocab.txt.") var model: String?
    @Option(help: "BLAS threads.") var threads: Int = 1
    @Flag(help: "One JSON object per line on stdout.") var json = false

    func validate() throws {
        let name = Self.configuration.commandName!
        guard !texts.isEmpty else { throw TextCommandSupport.usage(name, "give at least one text") }
        guard batch >= 1 else { throw TextCommandSupport.usage(name, "--batch must be at least 1") }
        guard (1...64).contains(threads) else { throw TextCommandSupport.usage(name, "--threads must be 1…64") }
    }

    func run() throws {
        let encoder = try TextCommandSupport.loadTextEncoder(Self.configuration.commandName!, model: model, threads: threads)
        let embeddings = encoder.embed(texts, batchSize: batch)
        for (text, embedding) in zip(texts, embeddings) {
            if json {
                let values = embedding.map { "\($0)" }.joined(separator: ",")
                print("{\"text\":\(JSONText.string(text)),\"embedding\":[\(values)]}")
            } else {
                let head = embedding.prefix(4).map { String(format: "%.5f", $0) }.joined(separator: " ")
                print("\(text)\t\(embedding.count) floats: \(head) …")
            }
        }
    }
}
