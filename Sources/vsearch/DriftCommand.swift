import ArgumentParser
import Embedding
import Foundation
import SearchEngine
import Tensor

/// `vsearch drift --index DIR [--folder F] [--retrain]`: embedding drift of the vectors added since the
/// index was trained (or of a folder's photos) against the trained-on vectors; writes `DIR/drift.json`.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Check embedding drift since the index was trained (PSI, KS, list skew); retrain when it calls for it.",
        discussion: """
            Reference: the visual index's base-file vectors (what k-means was trained on). Current: the vectors added
            since (vsearch add), or the photos of --folder. The report is also written to DIR/drift.json:
              {"version":1,"computedAt":<unix s>,"metrics":{"<name>":<number>,…},"retrain":<bool>}
            --retrain re-trains the coarse quantizer on the live vectors (as build --refresh) when the report calls
            for it (--force: regardless) and publishes it atomically.
            """)

    @OptionGroup var location: IndexOption
    @Option(help: "Compare this folder's photos instead of the vectors added since training.") var folder: String?
    @Option(name: .customLong("psi-threshold"), help: "PSI above which a distribution counts as shifted.") var psiThreshold: Double = 0.2
    @Option(name: .customLong("ks-alpha"), help: "Family-wise significance of the KS tests (Bonferroni).") var ksAlpha: Double = 0.01
    @Option(help: "Random projections tested with KS.") var projections: Int = 64
    @Option(name: .customLong("max-list-skew"), help: "Also retrain when the largest list exceeds this multiple of the mean.") var maxListSkew: Double?
    @Flag(help: "Retrain the coarse quantizer when the report calls for it.") var retrain = false
    @Flag(help: "With --retrain: retrain even when the report does not call for it.") var force = false
    @Option(help: "Lists after retraining (default: about 4·√N).") var nlist: Int?
    @Option(help: "Worker threads.") var threads: Int = 2
    @Flag(help: "One JSON object on stdout.") var json = false

    static let name = "drift"

    func validate() throws {
        guard psiThreshold > 0, psiThreshold.isFinite else { throw TextCommandSupport.usage(Self.name, "--psi-threshold must be positive") }
        guard ksAlpha > 0, ksAlpha < 1 else { throw TextCommandSupport.usage(Self.name, "--ks-alpha must be in (0, 1)") }
        guard (1...4096).contains(projections) else { throw TextCommandSupport.usage(Self.name, "--projections must be 1…4096") }
        guard (1...64).contains(threads) else { throw TextCommandSupport.usage(Self.name, "--threads must be 1…64") }
        if let nlist, nlist < 1 { throw TextCommandSupport.usage(Self.name, "--nlist must be at least 1") }
        if force && !retrain { throw TextCommandSupport.usage(Self.name, "--force only applies with --retrain") }
    }

    func run() throws {
        let directory = location.directory
        let options = DriftOptions(psiThreshold: psiThreshold, ksAlpha: ksAlpha, projections: projections, maxListSkew: maxListSkew)
        do {
            let ivf = try DriftCheck.visualIndex(directory)
            var current: [Float]?
            if let folder {
                let photos = try FolderImages.list(folder)
                let embedded = FolderImages.embed(photos, encoder: try ImageEncoder(threads: threads))
                for (path, reason) in embedded.failures { TextCommandSupport.error(Self.name, "\(path): skipped, \(reason)") }
                guard !embedded.embedded.isEmpty else { throw EvalError(folder, "holds no photo that could be embedded") }
                current = embedded.vectors
            }
            var report = try DriftMonitor.check(ivf, current: current, options: options, threads: threads)
            EvalOutput.printDrift(report, json: json)
            if retrain && (report.retrain || force) {
                let refreshed = try IndexMaintenance.refresh(directory, nlist: nlist, threads: threads)
                if !json { print(refreshed.text) }
                // What the monitor sees now: the folded-in vectors are part of the trained-on base.
                report = try DriftMonitor.check(try DriftCheck.visualIndex(directory), current: current, options: options, threads: threads)
            }
            try DriftCheck.save(report, in: directory)
        } catch {
            TextCommandSupport.error(Self.name, "\(error)")
            throw ExitCode(1)
        }
    }
}
