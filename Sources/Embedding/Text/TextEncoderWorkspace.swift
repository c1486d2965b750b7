import Tensor

/// Scratch memory for one ``TextEncoder`` forward pass, grown to the largest batch seen and reused.
///
/// Not `Sendable`: one workspace serves one caller at a time (each concurrent caller makes its own,
/// the encoder itself is shared). All buffers are row-major `tokens × width`, tokens of all sequences
/// in the batch packed one after another with no padding.
public final class TextEncoderWorkspace {
    private(set) var tokenCapacity = 0
    private(set) var sequenceCapacity = 0
    /// Threads the attention scratch has room for (`scores` holds one region per thread).
    private(set) var scratchMembers = 1
    private let hidden: Int
    private let intermediate: Int
    private let headWidth: Int
    var state: UnsafeMutablePointer<Float>        // tokens × hidden: the running hidden state
    var next: UnsafeMutablePointer<Float>         // tokens × hidden: residual + sub-layer output
    var qkv: UnsafeMutablePointer<Float>          // tokens × 3·hidden
    var context: UnsafeMutablePointer<Float>      // tokens × hidden: attention output before its dense
    var feedForward: UnsafeMutablePointer<Float>  // tokens × intermediate
    var scores: UnsafeMutablePointer<Float>       // attention scratch for the longest sequence, per thread

    public init(configuration: MiniLMConfiguration = .allMiniLML6V2) {
        hidden = configuration.hiddenSize
        intermediate = configuration.intermediateSize
        headWidth = configuration.headWidth
        state = .allocate(capacity: 0); next = .allocate(capacity: 0); qkv = .allocate(capacity: 0)
        context = .allocate(capacity: 0); feedForward = .allocate(capacity: 0); scores = .allocate(capacity: 0)
    }

    /// Makes room for `tokens` packed tokens whose longest sequence has `longest` tokens, with attention
    /// scratch for `members` threads.
    func reserve(tokens: Int, longest: Int, members: Int = 1) {
        if tokens > tokenCapacity {
            let capacity = max(tokens, tokenCapacity * 2)
            for buffer in [state, next, qkv, context, feedForward] { buffer.deallocate() }
            state = .allocate(capacity: capacity * hidden)
            next = .allocate(capacity: capacity * hidden)
            qkv = .allocate(capacity: capacity * 3 * hidden)
            context = .allocate(capacity: capacity * hidden)
            feedForward = .allocate(capacity: capacity * intermediate)
            tokenCapacity = capacity
        }
        if longest > sequenceCapacity || members > scratchMembers {
            let length = max(longest, sequenceCapacity)
            scores.deallocate()
            scores = .allocate(capacity: TransformerKernels.attentionScratchCount(length: length, headWidth: headWidth) * max(members, scratchMembers))
            sequenceCapacity = length
            scratchMembers = max(members, scratchMembers)
        }
    }

    /// Persistent helper threads for the dense layers when the encoder runs on several threads.
    private var workerTeam: WorkerTeam?

    /// A team of `size` threads (the caller included), kept for the next calls; nil for one thread.
    func team(size: Int) -> WorkerTeam? {
        guard size > 1 else { return nil }
        if workerTeam?.size != size { workerTeam = WorkerTeam(size: size) }
        return workerTeam
    }

    /// Exchanges the hidden-state and next buffers (after a residual sub-layer).
    func swapStateAndNext() { swap(&state, &next) }

    deinit {
        for buffer in [state, next, qkv, context, feedForward, scores] { buffer.deallocate() }
    }
}
