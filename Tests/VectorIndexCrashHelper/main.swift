// A writer child process for the crash-safety test: performs a deterministic sequence of index writes
// and prints `done <op> <count>` (flushed) after each write has returned (i.e. is durable).
// The test kills it with SIGKILL at random instants and checks that the index still opens and answers.
//
//   vindex-crash-helper DIR FIRST_OP DIMENSION [LAST_OP]
//
// With LAST_OP it stops writing after that op (holding the writer open, as a crash would find it) and
// waits to be killed.
import Foundation
import VectorIndex

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

let args = CommandLine.arguments
guard args.count == 4 || args.count == 5, let firstOp = Int(args[2]), let d = Int(args[3]) else {
    fail("usage: vindex-crash-helper DIR FIRST_OP DIMENSION [LAST_OP]", status: 2)
}
let lastOp = args.count == 5 ? Int(args[4]) : nil
let directory = args[1]

/// Deterministic vectors for op `op` (unit-ish, distinct per op).
func vectors(op: Int, count: Int) -> [Float] {
    var state = UInt64(op) &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<(count * d)).map { _ in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(Int(state % 2001) - 1000) / 1000
    }
}

/// Ids added by op `op` (ops that add).
func ids(op: Int) -> [Int64] { (0..<20).map { Int64(1_000_000 + op * 20 + $0) } }

do {
    let writer = try IVFIndexWriter(directory: directory)
    var op = firstOp
    while true {
        switch op % 9 {
        case 4: try writer.compact()
        case 8: try writer.retrain(nlist: 8, iterations: 4)
        case 2, 6: try writer.remove(ids(op: op - 1) + [Int64(op)])  // the previous op's batch and one base row
        default: try writer.add(vectors(op: op, count: 20), ids: ids(op: op))
        }
        let count = try writer.index().count
        FileHandle.standardOutput.write(Data("done \(op) \(count)\n".utf8))  // unbuffered: one write(2)
        if let lastOp, op >= lastOp {
            while true { sleep(60) }
        }
        op += 1
    }
} catch {
    fail("vindex-crash-helper: \(error)", status: 1)
}
