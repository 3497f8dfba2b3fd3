import Foundation
import NeymanCore

/// The `.safetensors` file format (Hugging Face), which PyTorch users read with the `safetensors` package:
///
/// ```
///   [8 bytes: little-endian u64 N] [N bytes: JSON header, space-padded] [raw little-endian tensor bytes]
///   header = { "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
///              "__metadata__": { "<key>": "<string value>", ... } }
/// ```
/// Offsets are relative to the first byte after the header. Neyman writes `F32` tensors and reads `F32` and `F64`.
public enum SafeTensors {
    /// A named tensor as stored.
    public struct Entry: Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// Encodes tensors (in the given order) and string metadata.
    public static func encode(_ entries: [Entry], metadata: [String: String]) throws -> Data {
        var tensors: [String: SafeTensorsHeader.Tensor] = [:]
        var offset = 0
        for e in entries {
            guard MemoryBudget.product(e.shape) == e.values.count else {
                throw NeymanError.invalid("tensor '\(e.name)' has \(e.values.count) values for shape \(e.shape)")
            }
            guard tensors[e.name] == nil, e.name != SafeTensorsHeader.metadataKey else {
                throw NeymanError.invalid("tensor name '\(e.name)' is used twice or is reserved")
            }
            tensors[e.name] = .init(dtype: "F32", shape: e.shape, dataOffsets: [offset, offset + 4 * e.values.count])
            offset += 4 * e.values.count
        }
        var json = try StrictJSON.encoder().encode(SafeTensorsHeader(tensors: tensors, metadata: metadata))
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for e in entries {
            for v in e.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    /// Writes atomically.
    public static func write(_ entries: [Entry], metadata: [String: String], to path: String) throws {
        try AtomicFile.write(try encode(entries, metadata: metadata), to: path)
    }

    /// Decodes a file's bytes: tensors in file order of their offsets, and the metadata.
    ///
    /// Shapes and offsets are checked before any allocation (their products with overflow checks, the tensor
    /// inside the data section), so a damaged or hostile header is an error, not a crash.
    public static func decode(_ data: Data, source: String = "<data>") throws -> (entries: [Entry], metadata: [String: String]) {
        let data = data.startIndex == 0 ? data : Data(data)   // a slice of a larger Data: index from 0
        func bad(_ m: String) -> NeymanError { NeymanError.invalid(m, file: source) }
        guard data.count >= 8 else { throw bad("truncated safetensors file: \(data.count) bytes, no header length") }
        let n = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(data.count - 8), n < 100_000_000 else {
            throw bad("truncated safetensors file: header of \(n) bytes announced, \(data.count - 8) present")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(n)))
        let header = try SafeTensorsHeader.decode(headerData, source: source)
        let base = 8 + Int(n)
        let body = data.count - base
        var entries: [(Int, Entry)] = []
        for (name, tensor) in header.tensors {
            let (dtype, shape, offsets) = (tensor.dtype, tensor.shape, tensor.dataOffsets)
            guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("tensor '\(name)' has a negative dimension") }
            guard let count = MemoryBudget.product(shape) else {
                throw bad("tensor '\(name)': shape \(shape) has more elements than can be counted")
            }
            let size: Int
            switch dtype {
            case "F32": size = 4
            case "F64": size = 8
            default: throw bad("tensor '\(name)' has dtype \(dtype); only F32 and F64 are read")
            }
            let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: size)
            let (span, spanOverflow) = offsets[1].subtractingReportingOverflow(offsets[0])
            guard offsets[0] >= 0, !bytesOverflow, !spanOverflow, span == bytes else {
                throw bad("tensor '\(name)': offsets \(offsets) do not match shape \(shape) of \(dtype)")
            }
            guard offsets[1] <= body else {
                throw bad("truncated safetensors file: tensor '\(name)' ends at byte \(offsets[1]) of a \(body)-byte data section")
            }
            var values = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                let p = raw.firstAddress + base + offsets[0]
                for i in 0..<count {
                    if size == 4 {
                        values[i] = Float(bitPattern: UInt32(littleEndian: (p + 4 * i).loadUnaligned(as: UInt32.self)))
                    } else {
                        values[i] = Float(Double(bitPattern: UInt64(littleEndian: (p + 8 * i).loadUnaligned(as: UInt64.self))))
                    }
                }
            }
            entries.append((offsets[0], Entry(name: name, shape: shape, values: values)))
        }
        // File order of the data; tensors at the same offset (empty ones) by name, so the order never depends on hashing.
        return (entries.sorted { ($0.0, $0.1.name) < ($1.0, $1.1.name) }.map(\.1), header.metadata)
    }

    /// Reads a file.
    public static func read(path: String) throws -> (entries: [Entry], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileSystemError.readError(path, underlying: error)
        }
        return try decode(data, source: path)
    }
}
