// libFuzzer target: the EXIF orientation parser (Sources/Imaging/EXIFOrientation.swift), which walks the
// JPEG markers to APP1 and the TIFF structure inside it. Any input must give an orientation 1–8 (1 when
// absent or unreadable), never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let orientation = EXIFOrientation.read(fromJPEG: bytes)
    precondition((1...8).contains(orientation), "orientation \(orientation) out of range")
    if size >= 6 { _ = EXIFOrientation.orientation(inAPP1: bytes[...]) }
    return 0
}
