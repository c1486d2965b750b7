// libFuzzer target: the safetensors reader (Sources/Embedding/Weights/SafeTensors.swift) on arbitrary
// files. It maps a path, so each input is written to one scratch file per process first. Every tensor
// that opens is converted to Float (the path the model loaders take). Any input must open or throw a
// WeightFileError, never trap.
import Foundation

/// tmpfs when there is one: a file write per input must not be the bottleneck.
let scratchPath = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
    + "/fuzz-safetensors-\(getpid()).safetensors"

func writeScratch(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(scratchPath)")
    var done = 0
    while done < size {
        let n = write(fd, data + done, size - done)
        precondition(n > 0, "cannot write \(scratchPath)")
        done += n
    }
    close(fd)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    writeScratch(data, size)
    do {
        let file = try SafeTensors(path: scratchPath)
        for name in file.names {
            let tensor = try file.tensor(name)
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "\(name): values do not match the shape")
        }
    } catch is WeightFileError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
