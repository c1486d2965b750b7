/// Why a weight file could not be used. Every case names the file; the description tells the user
/// what to do (usually: run `scripts/setup`, which downloads and converts the model files).
public struct WeightFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, independent of the file.
    public enum Reason: Sendable, Equatable {
        /// The file does not exist or cannot be opened.
        case missing(String)
        /// The file is shorter than its header says, or the header is malformed.
        case malformedHeader(String)
        /// A tensor's entry in the header is inconsistent (dtype, shape, offsets).
        case badTensor(name: String, detail: String)
        /// The file asks for a tensor it does not contain.
        case noSuchTensor(String)
        /// The data section's checksum differs from the one recorded in the header.
        case checksumMismatch(expected: UInt32, actual: UInt32)
        /// The file is a valid safetensors file but not the model the caller expects.
        case unexpectedContent(String)
    }

    /// The file the error is about.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let detail: String
        switch reason {
        case .missing(let why): detail = "cannot open model file (\(why))"
        case .malformedHeader(let why): detail = "damaged model file: \(why)"
        case .badTensor(let name, let why): detail = "damaged model file: tensor '\(name)': \(why)"
        case .noSuchTensor(let name): detail = "model file has no tensor '\(name)'"
        case .checksumMismatch(let expected, let actual):
            detail = "damaged model file: checksum \(hex(actual)) but the header records \(hex(expected))"
        case .unexpectedContent(let why): detail = "not the expected model: \(why)"
        }
        return "\(path): \(detail); run scripts/setup to download and convert the model files"
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
