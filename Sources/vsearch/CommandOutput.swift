#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SearchEngine

/// Writes one line to stderr (errors and diagnostics; stdout is kept for results).
func printToStandardError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
}
