import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

/// `deploy/spark/build_index.py` on a real Spark standalone cluster (a master and two one-core workers on
/// loopback), N = 2 shards, from a manifest of the sample photos and videos plus generated images (and a
/// duplicate and a missing file): one worker is killed with SIGKILL in the middle of stage 1, the job still
/// finishes and its shards hold every item of a one-machine `vsearch build` exactly once, with the same
/// vectors and text; a second run re-embeds nothing and publishes the generation in etcd, after which the
/// router answers like one machine (every list probed).
@Suite(.serialized, .enabled(if: SparkStandalone.available && EtcdProcess.available,
                             "PySpark/Java or etcd missing (make test installs them: VSEARCH_SETUP_SPARK=1 scripts/setup)"))
struct SparkBuildTests {
    static let root = TextFixtures.repositoryRoot.path
    static let job = root + "/deploy/spark/build_index.py"
    static let itemsPerTask = 6
    static let generatedImages = 48

    /// The manifest: the samples' lines (absolute paths), `generatedImages` generated PNGs of random
    /// pixels, a copy of the apple under another id (a duplicate, in a later segment) and a missing file.
    static func writeManifest(in folder: String) throws -> (path: String, records: Int) {
        let media = folder + "/media"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        var lines: [String] = []
        for line in try String(contentsOfFile: root + "/assets/samples/metadata.jsonl", encoding: .utf8).split(separator: "\n") {
            var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            object["source"] = root + "/assets/samples/" + (object["source"] as! String)
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        }
        var generator = SystemRandomNumberGenerator()
        for i in 0..<generatedImages {
            let side = Int.random(in: 48...96, using: &generator)
            let samples = (0..<(side * side * 3)).map { _ in UInt16.random(in: 0...255, using: &generator) }
            let path = media + "/generated-\(i).png"
            try Data(PNGTestWriter.encode(width: side, height: side, colorType: .rgb, bitDepth: 8, samples: samples)).write(to: URL(fileURLWithPath: path))
            lines.append("{\"source\":\"\(path)\",\"title\":\"generated \(i)\",\"tags\":[\"generated\"]}")
            if i == generatedImages / 2 {
                try FileManager.default.copyItem(atPath: root + "/assets/samples/apple.jpg", toPath: media + "/apple-copy.jpg")
                lines.append("{\"id\":\"apple-again\",\"source\":\"\(media)/apple-copy.jpg\",\"title\":\"the apple again\"}")
                lines.append("{\"source\":\"\(media)/no-such-file.jpg\"}")
            }
        }
        let path = folder + "/manifest.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (path, lines.count)
    }

    static func submit(_ spark: SparkStandalone, manifest: String, output: String, extra: [String] = []) throws -> ManagedProcess {
        try ManagedProcess("spark-submit", executable: SparkStandalone.sparkSubmit, arguments: [
            "--master", spark.masterURL, "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
            "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2", "--conf", "spark.task.maxFailures=4",
            "--conf", "spark.log.level=WARN",
            "--executor-memory", "1g", "--driver-memory", "1g",
            job, "--input", manifest, "--root", "/", "--output", output, "--shards", "2",
            "--items-per-task", String(itemsPerTask), "--vsearch", CommandLineRunner.vsearchPath,
            "--models", root + "/assets/models", "--nlist", "4",
        ] + extra, environment: spark.environment)
    }

    /// Waits (bounded: 5 minutes) for the job to end; `whileRunning` is called every 50 ms.
    static func finish(_ process: ManagedProcess, whileRunning: () -> Void = {}) throws -> Int32 {
        for _ in 0..<6000 {
            guard process.isRunning else { return process.process.terminationStatus }
            whileRunning()
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.kill()
        throw ProcessFailure("the Spark job did not finish in 5 minutes: \(process.stdout.suffix(2000)) \(process.stderr.suffix(3000))")
    }

    static func completeSegments(_ output: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: output + "/segments")) ?? []
        return names.filter { $0.hasPrefix("seg-") && FileManager.default.fileExists(atPath: output + "/segments/" + $0 + "/SEGMENT") }.count
    }

    /// The `summary {...}` line the job prints last.
    static func summary(_ process: ManagedProcess) throws -> [String: Any] {
        guard let line = process.stdout.split(separator: "\n").last(where: { $0.hasPrefix("summary ") }) else {
            throw ProcessFailure("the job printed no summary: \(process.stdout.suffix(2000)) \(process.stderr.suffix(3000))")
        }
        return try JSONSerialization.jsonObject(with: Data(line.dropFirst("summary ".count).utf8)) as! [String: Any]
    }

    /// An index directory's serving version, as the comparison needs it.
    struct Contents {
        var items: [String: CatalogItem] = [:]
        var frames: [String: [Double]] = [:]
        /// Per item id: its vectors (frame order).
        var vectors: [String: [[Float]]] = [:]
        var text: [String: [Float]] = [:]

        init(index: String) throws {
            let directory = try IndexDirectory(path: index).servingDirectory()
            let catalog = try Catalog(path: directory + "/catalog.sqlite", access: .readOnly(connections: 1))
            let mark = try catalog.keyHighWater()
            let byKey = try catalog.items(keys: mark > 0 ? Array(1...mark) : [])
            let table = try IVFIndex.open(directory: directory + "/visual").liveVectors()
            var rows: [Int64: [(Int64, Int)]] = [:]
            for (row, id) in table.ids.enumerated() { rows[id >> 16, default: []].append((id, row)) }
            let stored = try catalog.textVectors(model: "all-MiniLM-L6-v2", dimension: 384)
            for (key, item) in byKey {
                items[item.id] = item
                vectors[item.id] = (rows[key] ?? []).sorted { $0.0 < $1.0 }.map { table.vector($0.1) }
                frames[item.id] = try catalog.frames(videoID: item.id).map(\.timestamp).sorted()
            }
            for (row, key) in stored.keys.enumerated() {
                if let item = byKey[key] { text[item.id] = Array(stored.values[(row * 384)..<((row + 1) * 384)]) }
            }
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return a.count == b.count && na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : -1
    }

    /// The shards hold exactly the one-machine index's items, each once and in its hash shard, with the
    /// same fields, frames, image vectors and text vectors.
    static func expectSameAsOneMachine(shards: [String], full: String) throws {
        let single = try Contents(index: full)
        let parts = try shards.map(Contents.init(index:))
        var seen: [String: Int] = [:]
        for (shard, part) in parts.enumerated() {
            for id in part.items.keys {
                #expect(seen[id] == nil, "\(id) is in shards \(seen[id] ?? -1) and \(shard)")
                seen[id] = shard
                #expect(ShardSelection.shard(of: id, count: shards.count) == shard, "\(id) is in shard \(shard)")
            }
        }
        #expect(Set(seen.keys) == Set(single.items.keys), "shard items differ from one machine's: \(Set(seen.keys).symmetricDifference(single.items.keys))")
        #expect(single.items.count > 0)
        for (id, item) in single.items {
            guard let shard = seen[id] else { continue }
            let part = parts[shard]
            let other = part.items[id]!
            #expect(other.title == item.title && other.description == item.description && other.tags == item.tags
                    && other.kind == item.kind && other.source == item.source && other.contentHash == item.contentHash, "\(id): fields")
            #expect(other.autoTags.map(\.label) == item.autoTags.map(\.label), "\(id): auto-tags")
            #expect(part.frames[id] == single.frames[id], "\(id): frames")
            let a = single.vectors[id] ?? [], b = part.vectors[id] ?? []
            #expect(a.count == b.count && !a.isEmpty, "\(id): \(a.count) vectors vs \(b.count)")
            for (x, y) in zip(a, b) { #expect(cosine(x, y) >= 0.99999, "\(id): image vector cosine \(cosine(x, y))") }
            if let x = single.text[id] {
                let y = part.text[id] ?? []
                #expect(cosine(x, y) >= 0.99999, "\(id): text vector cosine \(cosine(x, y))")
            } else {
                #expect(part.text[id] == nil, "\(id): text vector only in the shard")
            }
        }
    }

    @Test func sparkBuildMatchesOneMachineSurvivesAKilledWorkerAndResumes() async throws {
        let cluster = try ClusterProcessTests.Cluster()
        defer { cluster.stop() }
        let spark = try SparkStandalone(workers: 2)
        defer { spark.stop() }
        let (manifest, records) = try Self.writeManifest(in: cluster.scratch.path)
        let output = cluster.scratch.file("spark-out")
        let segments = (records + Self.itemsPerTask - 1) / Self.itemsPerTask
        #expect(segments >= 8)

        // Run 1: a worker (its executor, Python workers and vsearch children) killed once two segments are
        // done, while it runs a task's vsearch.
        let first = try Self.submit(spark, manifest: manifest, output: output)
        var killedAt: Int?
        let status = try Self.finish(first) {
            if killedAt == nil, Self.completeSegments(output) >= 2, spark.workerRuns(1, "vsearch") {
                killedAt = Self.completeSegments(output)
                spark.killWorker(1)
            }
        }
        #expect(status == 0, "job failed: \(first.stdout.suffix(3000)) \(first.stderr.suffix(5000))")
        #expect((killedAt ?? segments) < segments, "the worker was not killed during stage 1 (\(killedAt.map(String.init) ?? "never"))")
        for stage in ["stage 1 embed", "stage 2 train", "stage 3 merge", "stage 4 publish"] {
            #expect(first.stdout.contains(stage), "no '\(stage)' line: \(first.stdout.suffix(3000))")
        }
        #expect(Self.completeSegments(output) == segments)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output + "/segments").filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty, "partial segments left: \(leftovers)")
        let firstSummary = try Self.summary(first)
        #expect(((firstSummary["stage1"] as? [String: Any])?["embedded"] as? Int ?? 0) > 0)

        // One machine, same manifest: the reference.
        let built = try CommandLineRunner.vsearch(["build", "--input", manifest, "--root", "/", "--index", cluster.fullIndex,
                                                   "--nlist", "4", "--quiet", "--json"], environment: ClusterProcessTests.environment)
        let reference = try JSONDecoder().decode(BuildSummary.self, from: Data(built.lines.last!.utf8))
        #expect(reference.failures.count == 1 && reference.duplicates.count == 1, "\(built.stdout) \(built.stderr)")
        let shardDirectories = [output + "/shards/shard-0", output + "/shards/shard-1"]
        try Self.expectSameAsOneMachine(shards: shardDirectories, full: cluster.fullIndex)

        // The job's report names the same refused inputs as the one-machine build's.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/build-report.json"))) as! [String: Any]
        func inputs(_ key: String) -> Set<String> { Set(((report[key] as? [[String: Any]]) ?? []).compactMap { $0["input"] as? String }) }
        #expect(inputs("failures") == Set(reference.failures.map(\.input)), "failures: \(inputs("failures"))")
        #expect(inputs("duplicates") == Set(reference.duplicates.map(\.input)), "duplicates: \(inputs("duplicates"))")
        #expect(report["items"] as? Int == reference.items)

        // Replicas serve the shards; run 2 re-embeds nothing, re-merges nothing and publishes the generation.
        try await cluster.etcd.waitUntilServing()
        _ = try ClusterProcessTests.vsearch(["cluster", "create", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--shards", "2"])
        cluster.shardDirectories = [0: shardDirectories[0], 1: shardDirectories[1]]
        for shard in [0, 1] { try cluster.startReplica(shard) }
        try cluster.startRouter()
        let router = cluster.routerURL
        try await ClusterProcessTests.eventually("router ready") { try await ClusterProcessTests.get(router + "/readyz").status == 200 }

        let second = try Self.submit(spark, manifest: manifest, output: output, extra: ["--etcd", cluster.etcd.url, "--cluster", cluster.name])
        #expect(try Self.finish(second) == 0, "rerun failed: \(second.stdout.suffix(3000)) \(second.stderr.suffix(5000))")
        let rerun = try Self.summary(second)
        let stage1 = rerun["stage1"] as? [String: Any] ?? [:]
        #expect(stage1["written"] as? Int == 0 && stage1["embedded"] as? Int == 0, "rerun embedded again: \(stage1)")
        let merged = (rerun["stage3"] as? [String: Any])?["shards"] as? [[String: Any]] ?? []
        #expect(merged.count == 2 && merged.allSatisfy { $0["alreadyMerged"] as? Bool == true }, "rerun merged again: \(merged)")
        #expect(rerun["published"] as? Bool == true && rerun["generation"] as? Int == 1, "\(rerun)")
        let status2 = try ClusterProcessTests.vsearch(["cluster", "status", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--json"])
        #expect(status2.stdout.contains("\"servingGeneration\":1"), "\(status2.stdout)")

        // Through the router, every list probed: one machine's answers, id for id and in order.
        for name in ["butterfly.jpg", "fruits.jpg", "baboon.jpg"] {
            let file = "\(Self.root)/assets/samples/\(name)"
            let routed = try await ClusterProcessTests.postImage(router + "/v1/search?k=10", file: file)
            #expect(routed.status == 200, "\(name): \(routed.body)")
            ClusterProcessTests.expectSame(routed.response?.results ?? [], try ClusterProcessTests.oneMachine(cluster, ["--image", file, "--k", "10"]), name)
        }
        for item in ["megamind", "apple"] {
            let routed = try await ClusterProcessTests.get(router + "/v1/search?k=8&item=\(item)")
            #expect(routed.status == 200, "\(item): \(routed.body)")
            ClusterProcessTests.expectSame(routed.response?.results ?? [], try ClusterProcessTests.oneMachine(cluster, ["--item", item, "--k", "8"]), "item \(item)")
        }
        let text = try await ClusterProcessTests.get(router + "/v1/search?q=fruit&k=5")
        let singleText = try ClusterProcessTests.oneMachine(cluster, ["--text", "fruit", "--k", "5"])
        #expect(!singleText.isEmpty)
        ClusterProcessTests.expectSame(text.response?.results ?? [], singleText, "text")
    }
}
