/// Options of the ANN check (`vsearch eval --ann`).
public struct ANNCheckOptions: Sendable {
    /// Stored vectors used as queries (a seeded uniform sample; all when fewer).
    public var sample: Int
    public var k: Int
    /// nprobe values to measure (clamped to `1...nlist`, duplicates dropped, ascending).
    public var nprobes: [Int]
    public var targetRecall: Double
    public var threads: Int
    public var seed: UInt64
    /// Timed searches per nprobe; QPS is taken from the fastest (the least disturbed by other processes).
    public var repetitions: Int

    public init(sample: Int = 1000, k: Int = 10, nprobes: [Int] = [1, 2, 4, 8, 16, 32, 64], targetRecall: Double = 0.95,
                threads: Int = 1, seed: UInt64 = 42, repetitions: Int = 3) {
        self.sample = sample
        self.k = k
        self.nprobes = nprobes
        self.targetRecall = targetRecall
        self.threads = threads
        self.seed = seed
        self.repetitions = repetitions
    }
}
