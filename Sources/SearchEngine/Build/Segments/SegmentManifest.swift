import Crypto
import Embedding
import Foundation

/// A **segment**: what one task of a distributed build (`deploy/spark/build_index.py`, stage 1) makes of
/// a slice of the manifest — the build pipeline's staging output, sealed. It is a directory:
///
/// ```
/// seg-000003/
///     catalog.sqlite      the slice's items: rows, tags, auto-tags, frames, MiniLM text vectors (Catalog schema)
///     vectors.spill       the image and frame vectors (VSSPILL1: per-record SHA-256 checksums, see VectorSpill)
///     vector-ids.bin      the spill's vector ids in record order (Int64 little-endian each), so a reader finds
///                         its items' records without paging in the whole spill
///     precision.json      the CNN precision of the vectors
///     build-report.json   the slice's BuildSummary: every input of the slice and its outcome
///     build-input.json    the pipeline's resume marker (input and slice; not checksummed, not read)
///     SEGMENT             this manifest (JSON, below), written last
/// ```
///
/// `SEGMENT` is JSON: `format` ("vsearch-segment"), `formatVersion` (1), `input` (the manifest and root),
/// `records` ([first, end) of the input's items, numbered from 0 over entries and rejected lines alike),
/// `precision`, `dimension`, `items`, `vectors`, and `files`: for each other file its byte count and
/// SHA-256 (hex). A reader checks every file against it before use (``SegmentManifest/verify(_:)``).
///
/// Publication: the segment is built in `.seg-000003.partial/` (the pipeline's staging directory, under
/// the partial directory's writer lock; a killed task leaves it, and the retry resumes it: finished items
/// are not embedded again), sealed (`SEGMENT` written atomically, directory `fsync`ed) and renamed to
/// `seg-000003/` in one `rename(2)`. A directory named `seg-*` therefore is always complete; partial
/// output never counts.
public struct SegmentManifest: Codable, Sendable, Equatable {
    public static let fileName = "SEGMENT"
    public static let formatName = "vsearch-segment"
    public static let currentFormatVersion = 1
    /// The files a segment holds besides `SEGMENT`, each checksummed in it.
    static let fileNames = [TextSearchIndex.catalogFileName, IndexBuilder.spillFileName, vectorIDsFileName,
                            VersionRecords.precision.fileName, IndexDirectory.reportFileName]
    public static let vectorIDsFileName = "vector-ids.bin"
    /// The files a merge checks whole: all but the spill, whose records it checks one by one as it reads
    /// them (each shard reads only its own items' records).
    static let smallFileNames = Set(fileNames).subtracting([IndexBuilder.spillFileName])

    /// One file's size and SHA-256 (lowercase hex).
    public struct FileSum: Codable, Sendable, Equatable {
        public var bytes: Int
        public var sha256: String
    }

    public var format: String
    public var formatVersion: Int
    public var input: String
    public var records: [Int]
    public var precision: EncoderPrecision
    public var dimension: Int
    public var items: Int
    public var vectors: Int
    public var files: [String: FileSum]

    /// The folder name of segment `number` (`seg-000003`).
    public static func directoryName(_ number: Int) -> String { String(format: "seg-%06d", number) }

    /// Size and SHA-256 of `path`, read in 1 MiB blocks.
    static func sum(_ path: String) throws -> FileSum {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IndexBuildError(.io, path, "cannot open to checksum it")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw IndexBuildError(.io, path, "read failed (\(error.localizedDescription))")
            }
            if block.isEmpty { break }
            bytes += block.count
            hasher.update(data: block)
        }
        return FileSum(bytes: bytes, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// The manifest of the segment directory `directory`, after checking its format and every file's
    /// size and checksum (`only`: just these files' checksums; every file's size). Throws `.corruptIndex`
    /// naming the file and what is wrong.
    public static func verify(_ directory: String, only: Set<String>? = nil) throws -> SegmentManifest {
        let path = directory + "/" + fileName
        let manifest: SegmentManifest
        do {
            manifest = try JSONDecoder().decode(SegmentManifest.self, from: Data(DurableFile.readAll(path, limit: 1 << 20)))
        } catch let error as IndexBuildError {
            throw error
        } catch {
            throw IndexBuildError(.corruptIndex, path, "is not a segment manifest (\(error))")
        }
        guard manifest.format == formatName, manifest.formatVersion == currentFormatVersion else {
            throw IndexBuildError(.corruptIndex, path, "is format \(manifest.format) version \(manifest.formatVersion); this vsearch reads \(formatName) version \(currentFormatVersion)")
        }
        for name in fileNames {
            guard let expected = manifest.files[name] else { throw IndexBuildError(.corruptIndex, path, "lists no \(name)") }
            if let only, !only.contains(name) {
                let bytes = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? nil
                guard bytes == expected.bytes else {
                    throw IndexBuildError(.corruptIndex, directory + "/" + name, "holds \(bytes.map(String.init) ?? "no") bytes; \(fileName) lists \(expected.bytes)")
                }
                continue
            }
            let found = try sum(directory + "/" + name)
            guard found == expected else {
                throw IndexBuildError(.corruptIndex, directory + "/" + name,
                                      "does not match its checksum in \(fileName) (\(found.bytes) bytes, sha256 \(found.sha256.prefix(16))…; expected \(expected.bytes) bytes, \(expected.sha256.prefix(16))…)")
            }
        }
        return manifest
    }

    /// The manifest as the bytes of `SEGMENT`.
    func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8]((try? encoder.encode(self)) ?? Data())
    }
}
