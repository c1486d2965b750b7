import Foundation
import SearchEngine
import SearchTesting
import Testing

/// Issue #19 item 7: the ConSE combination itself, on hand-made class embeddings.
@Suite struct ConceptSpaceTests {
    /// Four classes in 3-d: unit vectors along the axes and one diagonal.
    static let embeddings: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.6, 0.8, 0]

    static func normalised(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }

    static func close(_ a: [Float]?, _ b: [Float]) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }
    }

    @Test func theVectorIsTheProbabilityWeightedMeanOfTheTopClassesNormalised() {
        let space = ConceptSpace(classEmbeddings: Self.embeddings, classCount: 4, dimension: 3, top: 2)
        let probabilities: [Float] = [0.5, 0.1, 0.3, 0.1]
        // Top 2: classes 0 (0.5) and 2 (0.3), renormalised to 5/8 and 3/8.
        let expected = Self.normalised([0.5 / 0.8, 0, 0.3 / 0.8])
        #expect(Self.close(space.vector(probabilities: probabilities), expected))
    }

    @Test func classesBeyondTheTopDoNotMatter() {
        let space = ConceptSpace(classEmbeddings: Self.embeddings, classCount: 4, dimension: 3, top: 1)
        let a = space.vector(probabilities: [0.1, 0.6, 0.2, 0.1])
        let b = space.vector(probabilities: [0.0, 0.6, 0.05, 0.35])
        #expect(Self.close(a, [0, 1, 0]))
        #expect(Self.close(b, [0, 1, 0]))
    }

    @Test func logitsGoThroughSoftmaxSoAConstantShiftChangesNothing() {
        let space = ConceptSpace(classEmbeddings: Self.embeddings, classCount: 4, dimension: 3, top: 3)
        let logits: [Float] = [2, 1, 0.5, -1]
        let shifted = logits.map { $0 + 7 }
        let fromLogits = space.vector(logits: logits)
        let exps = logits.map { Float(exp(Double($0))) }
        let total = exps.reduce(0, +)
        #expect(Self.close(fromLogits, space.vector(probabilities: exps.map { $0 / total }) ?? []))
        #expect(Self.close(space.vector(logits: shifted), fromLogits ?? []))
        #expect(fromLogits.map { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5 } == true)
    }

    @Test func aVideoTakesEachClassAtItsBestFrame() {
        let space = ConceptSpace(classEmbeddings: Self.embeddings, classCount: 4, dimension: 3, top: 4)
        let frames: [[Float]] = [[3, 0, 0, 0], [0, 0, 3, 0]]
        let soft = frames.map { f -> [Float] in
            let e = f.map { Float(exp(Double($0))) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        let best = (0..<4).map { max(soft[0][$0], soft[1][$0]) }
        #expect(Self.close(space.vector(frameLogits: frames), space.vector(probabilities: best) ?? []))
    }

    @Test func noUsableProbabilityGivesNoVector() {
        let space = ConceptSpace(classEmbeddings: Self.embeddings, classCount: 4, dimension: 3)
        #expect(space.vector(probabilities: [0, 0, 0, 0]) == nil)
        #expect(space.vector(probabilities: [1, 0]) == nil)  // not one per class
        #expect(space.vector(frameLogits: []) == nil)
    }
}

/// The class embeddings kept in a version (`concepts.bin`).
@Suite struct ConceptSpaceFileTests {
    @Test func aSpaceRoundTripsAndDamageIsAnError() throws {
        let scratch = try TemporaryDirectory("vs-concept-file")
        let space = ConceptSpace(classEmbeddings: ConceptSpaceTests.embeddings, classCount: 4, dimension: 3, top: 2)
        #expect(try ConceptSpace.read(from: scratch.path) == nil)
        try space.write(to: scratch.path)
        let read = try #require(try ConceptSpace.read(from: scratch.path))
        #expect(read.classEmbeddings == space.classEmbeddings && read.classCount == 4 && read.dimension == 3 && read.top == 2)

        let path = scratch.path + "/" + ConceptSpace.fileName
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[30] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try ConceptSpace.read(from: scratch.path) } throws: { "\($0)".contains("checksum") }
    }

    @Test func aBuiltVersionKeepsTheClassEmbeddingsItsVectorsWereMadeWith() throws {
        let index = try SearchFeatureFixtures.shared.get()
        let snapshot = try IndexSnapshot(index: index)
        let stored = try #require(try ConceptSpace.read(from: snapshot.versionDirectory))
        let (image, text) = try BuildFixtures.models.get()
        let fresh = ConceptSpace(classTexts: ConceptSpace.classTexts(classNames: image.classNames), textEncoder: text)
        #expect(stored.classCount == image.classNames.count && stored.dimension == text.dimension)
        let diff = zip(stored.classEmbeddings, fresh.classEmbeddings).map { abs($0 - $1) }.max() ?? 1
        #expect(diff < 1e-4)
    }
}
