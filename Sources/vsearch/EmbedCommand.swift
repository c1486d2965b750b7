import ArgumentParser
import SearchEngine
import Embedding
import Foundation

/// `vsearch embed FILE... [--batch N] [--threads T] [--top K] [--precision fp32|int8] [--json]`: EfficientNet-Lite0 embeddings and
/// ImageNet labels of image files. Bad files are reported on stderr and skipped; exit status 1 at the end
/// if any failed.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed images (JPEG, PNG) with EfficientNet-Lite0: a 1280-d L2-normalised embedding and the top ImageNet labels.",
        discussion: """
            With --json each image prints one line: {"path","embedding":[1280 floats],"labels":[{"index","name","score"}…]}.
            The model files come from $VSEARCH_MODELS or assets/models (run scripts/setup to make them).
            """
    )

    @Argument(help: "Image files.") var files: [String]
    @Option(help: "Images per forward pass.") var batch: Int = 32
    @OptionGroup var threads: WorkerThreadsOption
    @Option(help: "Number of labels per image.") var top: Int = 5
    @Option(help: ArgumentHelp(PrecisionDefaults.help)) var precision: EncoderPrecision = .fp32
    @Flag(help: "One JSON object per line on stdout.") var json = false

    /// Bad option values are usage errors: exit status 2 (ARCHITECTURE.md), not ArgumentParser's 64.
    func validate() throws {
        func usage(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("vsearch embed: \(message)\n".utf8))
            return ExitCode(2)
        }
        guard batch >= 1 else { throw usage("--batch must be at least 1") }
        guard (1...ImageEncoder.classCount).contains(top) else { throw usage("--top must be 1…\(ImageEncoder.classCount)") }
    }

    func run() throws {
        let encoder: ImageEncoder
        do {
            encoder = try ImageEncoder(threads: threads.count, precision: precision)
        } catch {
            FileHandle.standardError.write(Data("vsearch embed: \(error)\n".utf8))
            throw ExitCode.failure
        }
        var failures = 0
        encoder.encode(files: files, batchSize: batch) { index, outcome in
            let path = files[index]
            switch outcome {
            case .success(let encoding):
                let labels = encoder.labels(for: encoding, top: top)
                let line = json ? Self.jsonLine(path: path, encoding: encoding, labels: labels)
                    : "\(path): " + labels.map { "\($0.name) (\($0.index)) \(String(format: "%.3f", $0.score))" }.joined(separator: ", ")
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            case .failure(let error):
                failures += 1
                FileHandle.standardError.write(Data("vsearch embed: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    static func jsonLine(path: String, encoding: ImageEncoding, labels: [ImageLabel]) -> String {
        var out = "{\"path\":\(JSONText.string(path)),\"embedding\":["
        out += encoding.embedding.map { "\($0)" }.joined(separator: ",")
        out += "],\"labels\":["
        out += labels.map { "{\"index\":\($0.index),\"name\":\(JSONText.string($0.name)),\"score\":\($0.score)}" }.joined(separator: ",")
        return out + "]}"
    }
}
