import Embedding
import Foundation
import Imaging
import Testing

@Suite struct ImageEncoderTests {
    /// The exact reference inputs: same top-5 indices in the same order, cosine ≥ 0.9999.
    @Test(arguments: EncoderReference.names)
    func referenceCropMatchesTheAnchors(name: String) throws {
        let encoder = try EncoderReference.encoder.get()
        let reference = EncoderReference.item(name)
        let crop = try ImageDecoder.decode(path: EncoderReference.crop(name))
        let encoding = try #require(encoder.encode(modelInputs: [crop]).first)
        let labels = encoder.labels(for: encoding, top: 5)
        #expect(labels.map(\.index) == reference.top5)
        #expect(cosine(encoding.embedding, reference.embedding) >= 0.9999)
        for (ours, theirs) in zip(labels.map(\.score), reference.top5_probs) { #expect(abs(ours - theirs) < 1e-3) }
        #expect(abs(encoding.embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5, "embedding is L2-normalised")
    }

    /// The full photos through our own decoder and preprocessing: same top-1, cosine ≥ 0.99.
    @Test func referencePhotosThroughOurPreprocessing() throws {
        let encoder = try EncoderReference.encoder.get()
        let photos = try EncoderReference.names.map { try ImageDecoder.decode(path: EncoderReference.photo($0)) }
        let encodings = encoder.encode(images: photos)
        for (name, encoding) in zip(EncoderReference.names, encodings) {
            let reference = EncoderReference.item(name)
            #expect(encoder.labels(for: encoding, top: 1).first?.index == reference.top5[0], "\(name)")
            #expect(cosine(encoding.embedding, reference.embedding) >= 0.99, "\(name)")
        }
    }

    @Test func catPhotoIsLabelledACat() throws {
        let encoder = try EncoderReference.encoder.get()
        let photo = try ImageDecoder.decode(path: EncoderReference.photo("chelsea"))
        let labels = encoder.labels(for: encoder.encode(images: [photo])[0], top: 3)
        #expect(Set(labels.map(\.name)) == ["tiger cat", "Egyptian cat", "tabby"])
        #expect(encoder.classNames.count == 1000 && encoder.classNames[0] == "tench")
    }

    /// Whole images per thread (batch) and rows split across threads (single image) agree, and
    /// concurrent callers sharing one encoder get the same answers.
    @Test func batchSingleAndConcurrentCallsAgree() async throws {
        let encoder = try EncoderReference.encoder.get()
        let crops = try EncoderReference.names.prefix(5).map { try ImageDecoder.decode(path: EncoderReference.crop($0)) }
        let batch = encoder.encode(modelInputs: crops)
        for (i, crop) in crops.enumerated() {
            let single = encoder.encode(modelInputs: [crop])[0]
            #expect(cosine(single.embedding, batch[i].embedding) > 0.999999)
            #expect(zip(single.logits, batch[i].logits).allSatisfy { abs($0 - $1) < 1e-4 })
        }
        let concurrent = await withTaskGroup(of: (Int, [ImageEncoding]).self) { group in
            for k in 0..<4 { group.addTask { (k, encoder.encode(modelInputs: Array(crops.rotated(by: k)))) } }
            var all: [(Int, [ImageEncoding])] = []
            for await r in group { all.append(r) }
            return all
        }
        for (k, encodings) in concurrent {
            for (j, e) in encodings.enumerated() {
                #expect(cosine(e.embedding, batch[(j + k) % crops.count].embedding) > 0.999999)
            }
        }
        let onThread = try ImageEncoder(files: ModelFiles(directory: "\(EncoderReference.repositoryRoot)/assets/models"), threads: 1)
        #expect(cosine(onThread.encode(modelInputs: [crops[2]])[0].embedding, batch[2].embedding) > 0.999999)
    }

    @Test func encodesFilesAndReportsBadOnesWithoutStopping() throws {
        let encoder = try EncoderReference.encoder.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("not-an-image.jpg").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: garbage))
        let paths = [EncoderReference.crop("coffee"), garbage, dir.appendingPathComponent("missing.png").path, EncoderReference.crop("camera")]
        var outcomes: [Int: Result<ImageEncoding, ImagingError>] = [:]
        encoder.encode(files: paths, batchSize: 3) { outcomes[$0] = $1 }
        #expect(outcomes.count == 4)
        #expect(try encoder.labels(for: outcomes[0]!.get(), top: 1)[0].index == EncoderReference.item("coffee").top5[0])
        #expect(try encoder.labels(for: outcomes[3]!.get(), top: 1)[0].index == EncoderReference.item("camera").top5[0])
        for bad in [1, 2] {
            guard case .failure(let error) = outcomes[bad]! else { Issue.record("\(paths[bad]) should fail"); continue }
            #expect(error.description.contains(paths[bad]))
        }
    }

    @Test func damagedOrMissingModelFilesFailClearly() throws {
        let models = "\(EncoderReference.repositoryRoot)/assets/models"
        _ = try EncoderReference.encoder.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(models)/\(ModelFiles.imageEncoderWeights)"))
        bytes[bytes.count - 1000] ^= 0x01
        try bytes.write(to: dir.appendingPathComponent(ModelFiles.imageEncoderWeights))
        try FileManager.default.copyItem(atPath: "\(models)/\(ModelFiles.imageNetClasses)",
                                         toPath: dir.appendingPathComponent(ModelFiles.imageNetClasses).path)
        let damaged = try #require(throws: WeightFileError.self) { try ImageEncoder(files: ModelFiles(directory: dir.path)) }
        guard case .checksumMismatch = damaged.reason else { Issue.record("expected a checksum error, got \(damaged)"); return }
        #expect(damaged.description.contains("run scripts/setup"))

        let empty = dir.appendingPathComponent("empty").path
        let missing = try #require(throws: WeightFileError.self) { try ImageEncoder(files: ModelFiles(directory: empty)) }
        #expect(missing.description.contains("run scripts/setup") && missing.description.contains(empty))
        let notFound = try #require(throws: ModelFilesNotFound.self) {
            try ModelFiles.locate(environment: [:], searchRoots: [empty])
        }
        #expect(notFound.description.contains("run scripts/setup"))
    }
}

extension Array {
    func rotated(by k: Int) -> [Element] { Array(self[(k % count)...] + self[..<(k % count)]) }
}
