import Foundation

/// The folder under which tests create their scratch directories: `$TMPDIR/vsearch-tests/<pid>/`.
///
/// Most scratch directories are removed by the test that made them, but fixtures shared for a whole test
/// process (a film index, a catalog held in a `static let`) live until the process exits, when no test code
/// runs any more. So the first use in a process sweeps the folders of test processes that are gone.
public enum TestScratchRoot {
    /// This process's scratch folder, created (and the dead processes' folders swept) on first use.
    public static let path: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vsearch-tests").path
        sweepFoldersOfExitedProcesses(in: root)
        let mine = "\(root)/\(getpid())"
        try? FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        return mine
    }()

    private static func sweepFoldersOfExitedProcesses(in root: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names {
            guard let pid = pid_t(name), pid != getpid() else { continue }
            // kill(pid, 0) probes for existence without sending anything; ESRCH means no such process.
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "\(root)/\(name)")
            }
        }
    }
}
