import DurableFiles

/// Crash-safe file replacement for the images the library and CLI write (PNG/JPEG outputs, thumbnails,
/// crops, video frames): `DurableFiles.AtomicFileWriter` with failures reported as `ImagingError`.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, crash-safely. Errors name `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws(ImagingError) {
        do {
            try AtomicFileWriter.replace(path, with: bytes)
        } catch {
            throw ImagingError(input: path, reason: .writeFailed, detail: error.message)
        }
    }
}
