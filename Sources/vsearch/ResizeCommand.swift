#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Imaging

extension ResizeMode: ExpressibleByArgument {}

/// `vsearch resize FILE --size N [--mode crop|fit] --out OUT.png`.
struct ResizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize",
        abstract: "Write the exact pixels the model sees (crop) or a thumbnail (fit) as PNG.",
        discussion: """
            crop: shorter side to round(N·256/224), then the centred N×N square (for N = 224: shorter side 256).
            fit: the whole image scaled to fit within N×N (never upscaled). The output is written atomically.
            """
    )

    @Argument(help: "The image to resize (PNG or JPEG).") var file: String
    @Option(help: "Output size N in pixels.") var size: Int
    @Option(help: "crop (model input) or fit (thumbnail).") var mode: ResizeMode = .crop
    @Option(help: "Output PNG path.") var out: String

    func validate() throws {
        guard (1...16384).contains(size) else { throw ValidationError("--size must be between 1 and 16384") }
    }

    func run() throws {
        do {
            let image = try ImageDecoder.decodeResized(path: file, size: size, mode: mode)
            try PNGEncoder.write(image, to: out)
            print("\(out): \(image.width)x\(image.height)")
        } catch {
            printToStandardError("vsearch resize: \(error)")
            throw ExitCode(1)
        }
    }
}
