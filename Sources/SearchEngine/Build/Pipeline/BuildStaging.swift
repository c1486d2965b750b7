import Foundation

extension IndexBuilder {
    /// Creates the staging directory, or checks that the one there belongs to the same build.
    func prepareStaging(_ staging: String, description: String, count: Int) throws {
        let marker = staging + "/" + Self.inputFileName
        // The precision is part of the marker: vectors of two precisions must not share an index.
        let precision = imageEncoder.precision == .fp32 ? "" : ",\"precision\":\"\(imageEncoder.precision)\""
        // So is the region layout: a resumed build must embed the same regions.
        let regions = options.regions == .none ? "" : ",\"regions\":\"\(options.regions.rawValue)\""
        let expected = "{\"input\":\(JSONText.string(description)),\"entries\":\(count)\(precision)\(regions)}"
        // Killed between moving the staging directory into `versions/` and switching `CURRENT`: the
        // newest version is not serving and still holds this build's marker and spill. Take it back.
        if !FileManager.default.fileExists(atPath: staging), let newest = try index.versions().last,
           try index.currentVersion() != newest {
            let orphan = index.versionDirectory(newest)
            if (try? String(contentsOfFile: orphan + "/" + Self.inputFileName, encoding: .utf8)) == expected {
                try DurableFile.move(orphan, to: staging)
            }
        }
        if FileManager.default.fileExists(atPath: staging) {
            let found = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
            if found == expected { return }
            guard options.restart else {
                throw IndexBuildError(.conflict, staging, "holds an unfinished build of other inputs (\(found.isEmpty ? "unknown" : found)); rerun that build to finish it, or pass --restart to discard it")
            }
            try FileManager.default.removeItem(atPath: staging)
        }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw IndexBuildError(.io, staging, "cannot create the staging directory (\(error.localizedDescription))")
        }
        try DurableFile.writeAtomically(Array(expected.utf8), to: marker)
        try VersionRecords.precision.write(imageEncoder.precision, to: staging)
        if options.regions != .none { try VersionRecords.regions.write(options.regions, to: staging) }
    }
}
