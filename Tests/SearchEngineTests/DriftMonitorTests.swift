import Foundation
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

/// Drift on real photos: quiet on a random split of the same photos, loud when synthetic textures
/// arrive, both as vectors added to the index and as a folder's embeddings passed in.
@Suite struct DriftMonitorTests {
    /// Twenty seeded random halves of the opencv-doc photos: the first half trains the index, the second
    /// is added. Three tests at 1% each give a nominal false-alarm rate near 3%; the set is clumpy (26
    /// shots of one calibration chessboard, several stereo pairs), so halves differ more than i.i.d.
    /// samples would — at most 3 alarms of 20 are accepted. Without the leave-one-out reference or the
    /// noise bounds nearly every split alarms.
    @Test func randomSplitsOfRealPhotosStayQuiet() throws {
        let photos = try EvalFixtures.photoEmbeddings.get()
        let scratch = try TemporaryDirectory("vs-drift")
        defer { scratch.remove() }
        var alarms: [String] = []
        for seed in UInt64(1)...20 {
            var rng = SyntheticImages.Generator(seed: seed)
            let shuffled = photos.shuffled(using: &rng)
            let half = shuffled.count / 2
            let index = try EvalFixtures.index(base: Array(shuffled[..<half]), added: Array(shuffled[half...]), in: scratch, name: "split\(seed)")
            let report = try DriftMonitor.check(index)
            #expect(report.referenceCount == half && report.currentCount == shuffled.count - half)
            if report.retrain { alarms.append("split \(seed): \(report.reasons)") }
        }
        #expect(alarms.count <= 3, "\(alarms)")
    }

    @Test func texturesAfterPhotosCallForRetraining() throws {
        let photos = try EvalFixtures.photoEmbeddings.get()
        let textures = try EvalFixtures.textureEmbeddings.get()
        let scratch = try TemporaryDirectory("vs-drift")
        defer { scratch.remove() }
        let index = try EvalFixtures.index(base: photos, added: textures, in: scratch, name: "shift")
        let report = try DriftMonitor.check(index)
        #expect(report.currentCount == textures.count)
        #expect(report.retrain)
        #expect(report.ksRejectedBonferroni > 0)
        #expect(report.distancePSI > 0.2 && report.distancePSI > report.distanceNoiseBound, "\(report.reasons)")
        #expect(report.currentMeanDistance > report.referenceMeanDistance)
        // The same textures given as a folder's embeddings against an index of photos only.
        let photosOnly = try EvalFixtures.index(base: photos, added: [], in: scratch, name: "photos")
        let given = try DriftMonitor.check(photosOnly, current: textures.flatMap { $0 })
        #expect(given.retrain && given.currentCount == textures.count)
        // Nothing added since training: nothing to compare, no retrain.
        let idle = try DriftMonitor.check(photosOnly)
        #expect(idle.currentCount == 0 && !idle.retrain)
    }
}
