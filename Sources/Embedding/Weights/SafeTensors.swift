import Foundation

/// A read-only view of a [safetensors](https://huggingface.co/docs/safetensors) file: the format
/// VisualSearch stores converted model weights in.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data section that
/// follows the header), an optional `"__metadata__"` object of strings, then the raw little-endian
/// tensor data. The file is memory-mapped; `tensor(_:)` copies one tensor out as `Float`.
///
/// Opening verifies the header (bounds, dtypes, shapes against byte lengths, offsets inside the
/// data section and not overlapping, the file size). When the metadata holds `"crc32"` (8 hex
/// digits, zlib CRC-32 of the whole data section), it is verified as well; pass
/// `requireChecksum: true` to insist on it. Errors are ``WeightFileError``s naming the file.
public struct SafeTensors: Sendable {
    /// Metadata key holding the CRC-32 of the data section, written by the project's converters.
    public static let checksumKey = "crc32"

    /// The path the file was opened from.
    public let path: String
    /// Tensor names, sorted.
    public let names: [String]
    /// The `"__metadata__"` strings (empty if the file has none).
    public let metadata: [String: String]
    private let infos: [String: WeightTensorInfo]
    private let file: MappedFile
    private let dataStart: Int

    /// Opens and verifies `path`. Throws ``WeightFileError``.
    public init(path: String, requireChecksum: Bool = false) throws {
        let file = try MappedFile(path: path)
        func fail(_ why: String) -> WeightFileError { WeightFileError(path: path, reason: .malformedHeader(why)) }
        guard file.count >= 8 else { throw fail("file is \(file.count) bytes, shorter than the 8-byte header length") }
        let headerLength = file.bytes(0..<8).loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength >= 2, headerLength <= UInt64(file.count - 8), headerLength <= 100_000_000 else {
            throw fail("header length \(headerLength) does not fit in a file of \(file.count) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        let headerData = Data(file.bytes(8..<dataStart))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw fail("header is not a JSON object") }

        var metadata: [String: String] = [:]
        var infos: [String: WeightTensorInfo] = [:]
        let dataLength = file.count - dataStart
        for (name, value) in object {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (key, item) in meta {
                    guard let text = item as? String else { throw fail("__metadata__[\(key)] is not a string") }
                    metadata[key] = text
                }
                continue
            }
            infos[name] = try Self.parseEntry(name: name, value: value, dataLength: dataLength, path: path)
        }
        // Tensors must not overlap and must account for the whole data section (no trailing garbage).
        let ranges = infos.values.map(\.dataRange).sorted { $0.lowerBound < $1.lowerBound }
        var end = 0
        for range in ranges {
            guard range.lowerBound >= end else { throw fail("tensor data ranges overlap at byte \(range.lowerBound)") }
            end = range.upperBound
        }
        guard end == dataLength else {
            throw fail("data section is \(dataLength) bytes but the tensors cover \(end)")
        }
        if let recorded = metadata[Self.checksumKey] {
            guard recorded.count == 8, let expected = UInt32(recorded, radix: 16) else {
                throw fail("metadata \(Self.checksumKey) '\(recorded)' is not 8 hex digits")
            }
            let actual = CRC32.checksum(file.bytes(dataStart..<file.count))
            guard actual == expected else {
                throw WeightFileError(path: path, reason: .checksumMismatch(expected: expected, actual: actual))
            }
        } else if requireChecksum {
            throw fail("no \(Self.checksumKey) checksum in the metadata")
        }
        self.path = path
        self.names = infos.keys.sorted()
        self.metadata = metadata
        self.infos = infos
        self.file = file
        self.dataStart = dataStart
    }

    /// The header entry of `name`, or `nil` if the file has no such tensor.
    public func info(_ name: String) -> WeightTensorInfo? { infos[name] }

    /// The tensor `name` converted to `Float`. Throws ``WeightFileError`` if it is missing.
    public func tensor(_ name: String) throws -> WeightTensor {
        guard let info = infos[name] else { throw WeightFileError(path: path, reason: .noSuchTensor(name)) }
        let raw = file.bytes((dataStart + info.dataRange.lowerBound)..<(dataStart + info.dataRange.upperBound))
        return WeightTensor(shape: info.shape, values: Self.convert(raw, dtype: info.dtype))
    }

    /// The tensor `name`, checked to have exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> WeightTensor {
        let t = try tensor(name)
        guard t.shape == shape else {
            throw WeightFileError(path: path, reason: .badTensor(name: name, detail: "shape \(t.shape), expected \(shape)"))
        }
        return t
    }
}

extension SafeTensors {
    private static func parseEntry(name: String, value: Any, dataLength: Int, path: String) throws -> WeightTensorInfo {
        func bad(_ why: String) -> WeightFileError { WeightFileError(path: path, reason: .badTensor(name: name, detail: why)) }
        guard let entry = value as? [String: Any] else { throw bad("entry is not an object") }
        guard let dtypeName = entry["dtype"] as? String else { throw bad("no dtype") }
        guard let dtype = WeightDType(rawValue: dtypeName) else { throw bad("unsupported dtype \(dtypeName)") }
        guard let shapeValues = entry["shape"] as? [Any], let offsets = entry["data_offsets"] as? [Any],
              offsets.count == 2 else { throw bad("missing shape or data_offsets") }
        var shape: [Int] = []
        var elements = 1
        for item in shapeValues {
            guard let d = exactInt(item), d >= 0 else { throw bad("shape \(shapeValues) is not a list of sizes") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= dataLength else { throw bad("shape \(shapeValues) is larger than the file") }
            elements = product
            shape.append(d)
        }
        guard let begin = exactInt(offsets[0]), let end = exactInt(offsets[1]),
              begin >= 0, begin <= end, end <= dataLength else {
            throw bad("data_offsets \(offsets) outside the \(dataLength)-byte data section")
        }
        guard end - begin == elements * dtype.byteWidth else {
            throw bad("\(end - begin) bytes for shape \(shape) of \(dtypeName)")
        }
        return WeightTensorInfo(name: name, dtype: dtype, shape: shape, dataRange: begin..<end)
    }

    /// JSON numbers arrive as NSNumber; accept only integral values. (No `is Bool` test: on Linux an
    /// NSNumber holding 0 or 1 also casts to Bool.)
    private static func exactInt(_ value: Any) -> Int? {
        if let i = value as? Int { return i }
        if let d = value as? Double, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        return nil
    }

    private static func convert(_ raw: UnsafeRawBufferPointer, dtype: WeightDType) -> [Float] {
        let n = raw.count / dtype.byteWidth
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            switch dtype {
            case .f32:
                for i in 0..<n { out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian) }
            case .f16:
                for i in 0..<n { out[i] = halfToFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) }
            case .bf16:
                for i in 0..<n {
                    out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
                }
            case .f64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)) }
            case .i64:
                for i in 0..<n { out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .i32:
                for i in 0..<n { out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            }
            initialized = n
        }
    }

    /// IEEE 754 binary16 → binary32, including subnormals, infinities and NaN.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}
