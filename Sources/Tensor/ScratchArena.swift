/// One preallocated, 64-byte aligned block of `Float` scratch memory, handed out as ``FeatureMap``s
/// and raw slices at fixed offsets, so a forward pass allocates nothing per layer or per image.
///
/// An arena is used by one forward pass at a time (its owner checks it out of a pool); kernels of
/// that pass may run on several threads but write disjoint ranges.
///
/// `@unchecked Sendable`: the memory is owned by this object and freed in `deinit`; exclusive use is
/// guaranteed by the owner's pool (a `Mutex`), not by the type system.
public final class ScratchArena: @unchecked Sendable {
    /// Number of floats the arena holds.
    public let capacity: Int
    private let storage: UnsafeMutablePointer<Float>

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        storage = raw.initializeMemory(as: Float.self, repeating: 0, count: capacity)
    }

    deinit { storage.deallocate() }

    /// A feature map of the given shape starting `offset` floats into the arena.
    public func featureMap(at offset: Int, height: Int, width: Int, channels: Int) -> FeatureMap {
        precondition(offset >= 0 && offset + height * width * channels <= capacity, "arena overflow")
        return FeatureMap(base: storage + offset, height: height, width: width, channels: channels)
    }

    /// A flat slice of `count` floats starting `offset` floats into the arena (shape `[1][1][count]`).
    public func slice(at offset: Int, count: Int) -> FeatureMap {
        featureMap(at: offset, height: 1, width: 1, channels: count)
    }
}
