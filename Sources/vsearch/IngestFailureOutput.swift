import SearchEngine

/// How `build` and `add` name the inputs that failed on stderr: each of the first ``limit`` on its own
/// line (input and reason), then one line counting the rest and saying where all of them are listed.
enum IngestFailureOutput {
    static let limit = 20

    /// The stderr lines (without the `vsearch COMMAND:` prefix) for `failures`; `fullList` says where
    /// the rest can be read (the report file, or `--json`).
    static func lines(_ failures: [BuildFailure], fullList: String) -> [String] {
        var lines = failures.prefix(limit).map { "\($0.input): \($0.reason) [\($0.code.rawValue)]" }
        if failures.count > limit {
            lines.append("… and \(failures.count - limit) more failures (see \(fullList))")
        }
        return lines
    }

    static func print(_ command: String, _ failures: [BuildFailure], fullList: String) {
        for line in lines(failures, fullList: fullList) { TextCommandSupport.error(command, line) }
    }
}
