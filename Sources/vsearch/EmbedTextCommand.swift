import ArgumentParser
import Embedding
import Foundation
import Tensor

/// `vsearch embed-text "TEXT"...`: all-MiniLM-L6-v2 sentence embeddings (384 floats, L2-normalised).
struct EmbedTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text",
        abstract: "Embed texts with all-MiniLM-L6-v2 (384 floats, unit length).")

    @Argument(help: "The texts to embed.")
    var texts: [String]

    @Option(help: "Texts per forward pass.")
    var batch: Int = 32

    @Option(help: "Directory holding model.safetensors and vocab.txt (default: assets/models/minilm).")
    var model: String?

    @Option(help: "BLAS threads (default 1).")
    var threads: Int = 1

    @Flag(help: "One JSON object per line: {\"text\",\"embedding\"}.")
    var json = false

    func validate() throws {
        guard !texts.isEmpty else { throw ValidationError("give at least one text") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
    }

    func run() throws {
        guard let directory = model.map({ URL(fileURLWithPath: $0) }) ?? TextModelLocator.miniLMDirectory() else {
            printError("all-MiniLM-L6-v2: model files not found (run scripts/setup, or pass --model DIR)")
            throw ExitCode(1)
        }
        BLAS.threadCount = threads
        let encoder: TextEncoder
        do {
            encoder = try TextEncoder(modelDirectory: directory)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let embeddings = encoder.embed(texts, batchSize: batch)
        for (text, embedding) in zip(texts, embeddings) {
            if json {
                print(try TextEmbeddingLine(text: text, embedding: embedding).json())
            } else {
                let head = embedding.prefix(4).map { String(format: "%.5f", $0) }.joined(separator: " ")
                print("\(text)\t\(embedding.count) floats: \(head) …")
            }
        }
    }
}

/// One `--json` output line of `embed-text`: `{"text":…,"embedding":[…]}` with the keys in that order.
struct TextEmbeddingLine {
    let text: String
    let embedding: [Float]

    func json() throws -> String {
        // JSONEncoder escapes the string; floats print as Swift's shortest round-trip form (valid JSON).
        let quoted = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
        return "{\"text\":\(quoted),\"embedding\":[\(embedding.map { "\($0)" }.joined(separator: ","))]}"
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("vsearch: " + message + "\n").utf8))
}
