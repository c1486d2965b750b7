/// Recognises common video containers by their first bytes, so a file that *looks* like a video but
/// that FFmpeg cannot open (truncated, corrupt) is reported as a failure rather than skipped as
/// "not media". FFmpeg itself decides what is playable; this only names the container.
enum ContainerSignature {
    /// The container name if `head` (the file's first bytes, at least 12 for a useful answer) starts
    /// like a video container.
    static func videoContainer(_ head: [UInt8]) -> String? {
        func at(_ offset: Int, _ bytes: [UInt8]) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<(offset + bytes.count)]) == bytes
        }
        if at(4, Array("ftyp".utf8)) || at(4, Array("moov".utf8)) || at(4, Array("mdat".utf8)) { return "MP4/QuickTime" }
        if at(0, [0x1A, 0x45, 0xDF, 0xA3]) { return "Matroska/WebM" }
        if at(0, Array("RIFF".utf8)) && at(8, Array("AVI ".utf8)) { return "AVI" }
        if at(0, Array("OggS".utf8)) { return "Ogg" }
        if at(0, Array("FLV".utf8)) { return "FLV" }
        if at(0, [0x00, 0x00, 0x01, 0xBA]) || at(0, [0x00, 0x00, 0x01, 0xB3]) { return "MPEG program stream" }
        if at(0, [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) { return "ASF/WMV" }
        if head.count >= 189 && head[0] == 0x47 && head[188] == 0x47 { return "MPEG transport stream" }
        return nil
    }
}
