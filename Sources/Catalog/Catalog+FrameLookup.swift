extension Catalog {
    /// Number of video frames recorded (rows of `frames`).
    public func frameCount() throws -> Int {
        try withConnection { Int(try $0.scalarInt("SELECT count(*) FROM frames") ?? 0) }
    }

    /// The frames whose vector ids are in `vectorIDs` (ids without a frame, e.g. images, are absent):
    /// for mapping visual-index hits back to videos and timestamps.
    public func frames(vectorIDs: [Int64]) throws -> [Int64: VideoFrame] {
        guard !vectorIDs.isEmpty else { return [:] }
        return try withConnection { db in
            var result: [Int64: VideoFrame] = [:]
            try forEachInListChunk(vectorIDs) { marks, values in
                try db.query("""
                    SELECT f.vector_id, i.id, f.timestamp FROM frames f JOIN items i ON i.key = f.video
                    WHERE f.vector_id IN (\(marks))
                    """, values) {
                    result[$0.int64(0)] = VideoFrame(videoID: $0.text(1), timestamp: $0.double(2), vectorID: $0.int64(0))
                }
            }
            return result
        }
    }
}
