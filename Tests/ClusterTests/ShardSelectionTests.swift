import SearchEngine
import Testing
import VectorIndex

/// The placement function: XXH64 (seed 0) of the id's UTF-8 bytes, mod N.
@Suite struct ShardSelectionTests {
    /// Reference values of XXH64 with seed 0 (the xxHash specification's implementation, e.g. Python's
    /// `xxhash.xxh64(b"abc").intdigest()`).
    @Test func xxh64MatchesTheReference() {
        #expect(XXHash64.hash(Array("".utf8)) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(XXHash64.hash(Array("apple".utf8)) == 6_379_808_199_001_010_847)
        #expect(XXHash64.hash([UInt8](repeating: UInt8(ascii: "x"), count: 40)) == 10_551_747_345_416_853_717)
    }

    @Test func placesIdsByHashModuloCount() throws {
        // From Python's xxhash: apple, dog, orange → 1 of 2; baboon, butterfly, megamind → 0 of 2.
        for id in ["apple", "dog", "orange"] { #expect(ShardSelection.shard(of: id, count: 2) == 1, "\(id)") }
        for id in ["baboon", "butterfly", "megamind"] { #expect(ShardSelection.shard(of: id, count: 2) == 0, "\(id)") }
        let zero = try ShardSelection(parsing: "0/2"), one = try ShardSelection(parsing: "1/2")
        for id in (0..<200).map({ "item-\($0)" }) { #expect(zero.contains(id: id) != one.contains(id: id)) }
        #expect(try ShardSelection(parsing: "0/1").contains(id: "anything"))
    }

    @Test(arguments: ["2/2", "-1/2", "1", "a/b", "0/0", "1/2/3", ""])
    func refusesBadSelections(text: String) {
        #expect(throws: SearchEngineError.self) { try ShardSelection(parsing: text) }
    }
}
