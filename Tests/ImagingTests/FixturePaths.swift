/// Paths to committed fixtures, including the reference data copied into `Tests/Fixtures/Reference`.
enum FixturePaths {
    /// `Tests/ImagingTests`.
    static let testsDirectory: String = {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!])
    }()

    static let repositoryRoot: String = {
        var path = testsDirectory
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func fixture(_ name: String) -> String { "\(testsDirectory)/Fixtures/\(name)" }
    static func sample(_ name: String) -> String { "\(repositoryRoot)/assets/samples/\(name)" }
    static func reference(_ relative: String) -> String { "\(repositoryRoot)/Tests/Fixtures/Reference/\(relative)" }
}
