import Embedding
import Foundation
import Imaging

/// The photos of a folder, for the evaluation tools (drift against a folder, near-duplicate checks).
public enum FolderImages {
    /// Decodable images (PNG/JPEG, recognised by content) under `folder`, recursively, sorted by path;
    /// hidden files and folders skipped. Throws when the folder cannot be read.
    public static func list(_ folder: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EvalError(folder, "is not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: folder) else { throw EvalError(folder, "cannot be read") }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let path = folder + "/" + relative
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            try? handle.close()
            if let format = ImageFormat.sniff([UInt8](head)), format.isDecodable { paths.append(path) }
        }
        return paths.sorted()
    }

    /// Embeddings of `paths` (row-major, 1280 floats each, in order of the successes) and the files that
    /// failed with their reasons.
    public static func embed(_ paths: [String], encoder: ImageEncoder, batchSize: Int = 16) -> (vectors: [Float], embedded: [String], failures: [(String, String)]) {
        var vectors: [Float] = []
        var embedded: [String] = []
        var failures: [(String, String)] = []
        encoder.encode(files: paths, batchSize: batchSize) { i, outcome in
            switch outcome {
            case .success(let encoding):
                vectors += encoding.embedding
                embedded.append(paths[i])
            case .failure(let error): failures.append((paths[i], "\(error)"))
            }
        }
        return (vectors, embedded, failures)
    }
}
