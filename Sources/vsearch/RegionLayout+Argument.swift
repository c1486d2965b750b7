import ArgumentParser
import SearchEngine

/// `--regions none|grid` on `vsearch build`.
extension RegionLayout: ExpressibleByArgument {}
