/// A torn tail cut from an append log when a writer opened it: the bytes after the last complete,
/// verified record (a crash left them: a record cut short, or zeros or garbage where the file had grown
/// but its data never reached the disk). Nothing acknowledged is lost; callers report it as a warning.
public struct LogRepair: Sendable, Equatable, CustomStringConvertible {
    /// The log file.
    public let path: String
    /// Its length after the cut: header plus complete records.
    public let validLength: Int
    /// How many bytes were cut.
    public let removedBytes: Int

    public var description: String {
        "\(path): cut a torn tail of \(removedBytes) bytes after byte \(validLength) (left by an interrupted write)"
    }
}
