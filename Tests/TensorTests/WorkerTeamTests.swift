import Synchronization
import Testing
import Tensor

@Suite struct WorkerTeamTests {
    @Test(arguments: [1, 2, 3])
    func everyMemberRunsEveryJobAndSplitCoversTheRange(size: Int) {
        let team = WorkerTeam(size: size)
        let counts = Mutex<[Int]>([Int](repeating: 0, count: size))
        // Many back-to-back jobs: helpers must neither miss a generation nor run one twice.
        for _ in 0..<2000 { team.run { member in counts.withLock { $0[member] += 1 } } }
        #expect(counts.withLock { $0 } == [Int](repeating: 2000, count: size))

        for count in [0, 1, 2, 7, 100] {
            let seen = Mutex<[Int]>([])
            team.split(count) { range in seen.withLock { $0.append(contentsOf: range) } }
            #expect(seen.withLock { $0.sorted() } == Array(0..<count))
        }
    }

    @Test func helpersParkAndWakeUp() async throws {
        let team = WorkerTeam(size: 2)
        let total = Atomic<Int>(0)
        team.run { _ in total.add(1, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(200)) // long enough for the helper to stop spinning and park
        team.run { _ in total.add(1, ordering: .relaxed) }
        #expect(total.load(ordering: .relaxed) == 4)
    }
}
