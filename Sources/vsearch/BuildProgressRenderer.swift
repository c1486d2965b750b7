#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SearchEngine

/// Shows build progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise
/// (logs, CI), nothing with `--quiet`.
final class BuildProgressRenderer {
    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastLine = Date.distantPast
    private var reportedDone = false

    init(quiet: Bool) { self.quiet = quiet }

    func update(_ p: BuildProgress) {
        guard !quiet else { return }
        let now = Date()
        let interval: TimeInterval = isTerminal ? 0.1 : 5
        let done = p.processed == p.total
        guard now.timeIntervalSince(lastLine) >= interval || (done && !reportedDone) else { return }
        if done { reportedDone = true }
        lastLine = now
        let rate = String(format: "%.1f items/s", p.itemsPerSecond)
        let eta = p.etaSeconds.map { Self.duration($0) } ?? "--"
        let counts = "\(p.processed)/\(p.total)"
        let extra = "failed \(p.failed), skipped \(p.skipped), duplicates \(p.duplicates)" + (p.resumed > 0 ? ", resumed \(p.resumed)" : "")
        if isTerminal {
            let width = 30
            let filled = p.total > 0 ? min(width, width * p.processed / p.total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(bar) \(counts)  \(rate)  ETA \(eta)  \(extra)".utf8))
        } else {
            FileHandle.standardError.write(Data("vsearch build: \(counts) inputs, \(p.vectors) vectors, \(rate), ETA \(eta), \(extra)\n".utf8))
        }
    }

    func finish() {
        if !quiet && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
